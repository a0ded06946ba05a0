import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, DatabaseModule, SharedModule, type AppConfig } from '@app/shared';
import { IdentityModule } from '@app/identity';
import { KeysModule } from '@app/keys';
import { MembersModule } from '@app/members';

@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(), SharedModule, IdentityModule, KeysModule, MembersModule],
    };
  }
}
