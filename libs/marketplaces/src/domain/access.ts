import { DomainError, InvalidInputError } from '@app/shared';

export const ACCESS_ROLES = ['viewer', 'editor', 'manager'] as const;
export type AccessRole = (typeof ACCESS_ROLES)[number];
export const RESOURCE_TYPES = ['plugin', 'marketplace'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];
export const SUBJECT_TYPES = ['org', 'team', 'member'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

export type Subject = { type: 'org' } | { type: 'team'; teamId: string } | { type: 'member'; membershipId: string };

export function strongestRole(roles: AccessRole[]): AccessRole | null {
  let best: AccessRole | null = null;
  for (const role of roles) if (best === null || ACCESS_ROLES.indexOf(role) > ACCESS_ROLES.indexOf(best)) best = role;
  return best;
}

/** Exactly one subject: the whole organization, one team or one member (by reference: id or name). */
export function toSubject(
  input: { subjectType: SubjectType; team?: string; member?: string },
  /** The field names the caller used (the older teamId/membershipId forms are still accepted). */
  fields: { team: string; member: string } = { team: 'team', member: 'member' },
): Subject {
  const fail = (which: 'team' | 'member', message: string): never => {
    const path = fields[which];
    throw new InvalidInputError(`Invalid ${path}: ${message}.`, [{ path, message }], 'org needs neither team nor member, team needs team, member needs member.');
  };
  switch (input.subjectType) {
    case 'org':
      if (input.team) fail('team', 'must be omitted when subjectType is org');
      if (input.member) fail('member', 'must be omitted when subjectType is org');
      return { type: 'org' };
    case 'team':
      if (!input.team) fail('team', 'is required when subjectType is team');
      if (input.member) fail('member', 'must be omitted when subjectType is team');
      return { type: 'team', teamId: input.team! };
    case 'member':
      if (!input.member) fail('member', 'is required when subjectType is member');
      if (input.team) fail('team', 'must be omitted when subjectType is member');
      return { type: 'member', membershipId: input.member! };
  }
}

export class OrgWideGrantDeniedError extends DomainError {
  constructor(role: string) {
    super(
      'permission_denied',
      'permission_denied',
      `Sharing with the whole organization needs the permission "marketplaces:manage", which your role "${role}" does not have.`,
      { role, requiredPermission: 'marketplaces:manage' },
      'Grant access to a team or a member instead, or ask an owner or admin to share it organization-wide.',
    );
  }
}

export class ResourceManagementDeniedError extends DomainError {
  constructor(resourceType: ResourceType, resourceId: string, role: string) {
    super(
      'permission_denied',
      'permission_denied',
      `Only the ${resourceType}'s creator, its managers (a manager grant) or someone with "marketplaces:manage" can change who has access to it.`,
      { resourceType, resourceId, role, requiredPermission: 'marketplaces:manage' },
      `Ask the ${resourceType}'s creator, a manager or an admin.`,
    );
  }
}

export class NotPublishedError extends DomainError {
  constructor(marketplaceId: string, pluginId: string) {
    super(
      'not_found',
      'not_published',
      `The plugin ${pluginId} is not published in the marketplace ${marketplaceId}.`,
      { marketplaceId, pluginId },
      'Call list_marketplace_plugins to see what is published.',
    );
  }
}
