import type { Permission } from '@app/access';

// Each operation's permission, declared once: the tool's check and the use case's check both read it.
export const memberPermissions = {
  get_current_identity: 'org:read',
  get_organization: 'org:read',
  update_organization: 'org:manage',
  update_allowed_email_domains: 'org:manage',
  list_members: 'members:read',
  get_member: 'members:read',
  find_people: 'members:read',
  update_member_role: 'members:manage',
  remove_member: 'members:manage',
  invite_member: 'members:invite',
  list_invitations: 'members:read',
  revoke_invitation: 'members:invite',
  update_invitation: 'members:invite',
  resend_invitation: 'members:invite',
  list_roles: 'roles:read',
  create_role: 'roles:manage',
  update_role: 'roles:manage',
  delete_role: 'roles:manage',
} as const satisfies Record<string, Permission>;
