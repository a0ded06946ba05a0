import { Module } from '@nestjs/common';
import { IdentityModule } from '@app/identity';
import { MailModule } from '@app/mail';
import { CurrentIdentityUseCase } from './application/current-identity.use-case.js';
import { FindPeopleUseCase } from './application/find-people.use-case.js';
import { InvitationAcceptanceService } from './application/invitation-acceptance.service.js';
import { InvitationMailer } from './application/invitation-mailer.js';
import { InvitationsService } from './application/invitations.service.js';
import { MemberDirectory } from './application/member-directory.js';
import { MembersService } from './application/members.service.js';
import { OrganizationSettingsService } from './application/organization-settings.service.js';
import { OrganizationsService } from './application/organizations.service.js';
import { RolesService } from './application/roles.service.js';
import { UnmailedInvitations } from './application/unmailed-invitations.js';
import { MemberRiskyChanges } from './application/risky-changes.js';
import { InvitationRepository } from './infrastructure/invitation.repository.js';
import { MembershipRepository } from './infrastructure/membership.repository.js';
import { OrganizationRepository } from './infrastructure/organization.repository.js';
import { RoleRepository } from './infrastructure/role.repository.js';
import { IdentityTools } from './mcp/identity.tools.js';
import { InvitationsTools } from './mcp/invitations.tools.js';
import { MembersTools } from './mcp/members.tools.js';
import { OrganizationTools } from './mcp/organization.tools.js';
import { RolesTools } from './mcp/roles.tools.js';

const useCases = [
  OrganizationsService,
  CurrentIdentityUseCase,
  OrganizationSettingsService,
  MembersService,
  InvitationsService,
  InvitationAcceptanceService,
  InvitationMailer,
  UnmailedInvitations,
  RolesService,
  MemberDirectory,
  MemberRiskyChanges,
  FindPeopleUseCase,
];
const repositories = [OrganizationRepository, MembershipRepository, InvitationRepository, RoleRepository];
const tools = [IdentityTools, OrganizationTools, MembersTools, InvitationsTools, RolesTools];

@Module({
  imports: [IdentityModule, MailModule],
  controllers: tools,
  providers: [...useCases, ...repositories],
  exports: [OrganizationsService, MemberDirectory, MembersService, RolesService, InvitationsService, InvitationAcceptanceService, UnmailedInvitations],
})
export class MembersModule {}
