export { MembersModule } from './members.module.js';
export { OrganizationsService, type SeatUsage } from './application/organizations.service.js';
export { BILLING_RULE } from './domain/members.errors.js';
// The list use cases, for the benchmark and for prompt argument completion.
export { MembersService } from './application/members.service.js';
export { RolesService } from './application/roles.service.js';
export { InvitationsService } from './application/invitations.service.js';
export { MemberDirectory, type DirectoryEntry } from './application/member-directory.js';
export type { MemberView, InvitationView } from './application/views.js';
export { AlreadyMemberError, InvitationUnusableError, InvitationWrongAccountError, OrganizationNotFoundError, UnknownRoleError } from './domain/members.errors.js';
// The invitation link's use cases, for the page that serves it.
export { InvitationAcceptanceService, type AcceptedInvitation, type InvitationPreview } from './application/invitation-acceptance.service.js';
// The startup step that mails pending invitations made before links went by mail.
export { UnmailedInvitations } from './application/unmailed-invitations.js';
export { memberSchema } from './mcp/schemas.js';
export { memberPermissions } from './members.permissions.js';
