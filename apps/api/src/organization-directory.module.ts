import { Global, Module } from '@nestjs/common';
import { MembersModule, OrganizationsService } from '@app/members';
import { OrganizationDirectory } from '@app/oauth';

// The members context imports oauth (client names), so oauth reaches memberships through this port.
@Global()
@Module({
  imports: [MembersModule],
  providers: [{ provide: OrganizationDirectory, useExisting: OrganizationsService }],
  exports: [OrganizationDirectory],
})
export class OrganizationDirectoryModule {}
