import type { Permission } from '@app/access';

// Each operation's permission, declared once: the tool's check and the use case's check both read it.
export const teamPermissions = {
  list_teams: 'teams:read',
  create_team: 'teams:manage',
  update_team: 'teams:manage',
  delete_team: 'teams:manage',
  add_team_member: 'teams:manage',
  remove_team_member: 'teams:manage',
} as const satisfies Record<string, Permission>;
