import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, DatabaseModule, SharedModule, type AppConfig } from '@app/shared';
import { ApprovalsModule } from '@app/approvals';
import { IdentityModule } from '@app/identity';
import { KeysModule } from '@app/keys';
import { MailModule } from '@app/mail';
import { MembersModule } from '@app/members';

@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(), SharedModule, MailModule, ApprovalsModule, IdentityModule, KeysModule, MembersModule],
    };
  }
}
