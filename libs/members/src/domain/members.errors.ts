import { DomainError } from '@app/shared';

export class OrganizationNotFoundError extends DomainError {
  constructor(slug: string) {
    super('not_found', 'organization_not_found', `No organization has the slug "${slug}".`, { slug });
  }
}

export class UnknownRoleError extends DomainError {
  constructor(role: string, available: string[]) {
    super(
      'invalid_input',
      'unknown_role',
      `"${role}" is not a role of this organization.`,
      { role, availableRoles: available },
      `Use one of: ${available.join(', ')}.`,
    );
  }
}

export class AlreadyMemberError extends DomainError {
  constructor(email: string, membershipId: string) {
    super('conflict', 'already_member', `${email} is already a member of this organization.`, { email, membershipId }, 'Use update_member_role to change their role.');
  }
}
