import { Module } from '@nestjs/common';
import { IdentityModule } from '@app/identity';
import { OAuthModule } from '@app/oauth';
import { CurrentIdentityUseCase } from './application/current-identity.use-case.js';
import { OrganizationsService } from './application/organizations.service.js';
import { MembershipRepository } from './infrastructure/membership.repository.js';
import { OrganizationRepository } from './infrastructure/organization.repository.js';
import { IdentityTools } from './mcp/identity.tools.js';

const useCases = [OrganizationsService, CurrentIdentityUseCase];
const repositories = [OrganizationRepository, MembershipRepository];
const tools = [IdentityTools];

@Module({
  imports: [IdentityModule, OAuthModule],
  controllers: tools,
  providers: [...useCases, ...repositories],
  exports: [OrganizationsService],
})
export class MembersModule {}
