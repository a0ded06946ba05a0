export { MembersModule } from './members.module.js';
export { OrganizationsService } from './application/organizations.service.js';
export { AlreadyMemberError, OrganizationNotFoundError, UnknownRoleError } from './domain/members.errors.js';
