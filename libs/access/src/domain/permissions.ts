// The fixed permission list. Built-in roles are defined here; custom org roles pick from the same list.
export const PERMISSIONS = {
  'org:read': 'See the organization, its plan and seats',
  'org:manage': 'Rename the organization and change its allowed email domains',
  'members:read': 'List members and invitations',
  'members:invite': 'Invite people and revoke invitations',
  'members:manage': 'Change member roles and remove members',
  'roles:read': 'List roles and their permissions',
  'roles:manage': 'Create, edit and delete custom roles',
  'teams:read': 'List teams and their members',
  'teams:manage': 'Create, edit and delete teams and their membership',
  'catalog:read': 'See skills, config objects, plugins and marketplaces',
  'catalog:write': 'Create and edit skills, config objects and plugins',
  'marketplaces:manage': 'Create marketplaces, publish plugins and grant access',
  'workers:read': 'See workers',
  'workers:manage': 'Create, start, stop and delete workers',
  'connectors:read': 'See connectors (never their credentials)',
  'connectors:manage': 'Create, edit and delete connectors',
  'providers:read': 'See LLM providers (never their API keys)',
  'providers:manage': 'Create, edit and delete LLM providers',
  'audit:read': 'Read the audit log',
} as const;

export type Permission = keyof typeof PERMISSIONS;

export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}

export const BUILT_IN_ROLES = {
  owner: { name: 'Owner', description: 'Full control, including other owners and billing.', permissions: ALL_PERMISSIONS },
  admin: { name: 'Admin', description: 'Manages people, teams and the catalog.', permissions: ALL_PERMISSIONS },
  member: {
    name: 'Member',
    description: 'Uses and contributes to the catalog.',
    permissions: [
      'org:read',
      'members:read',
      'roles:read',
      'teams:read',
      'catalog:read',
      'catalog:write',
      'workers:read',
      'connectors:read',
      'providers:read',
    ] satisfies Permission[],
  },
} as const;

export type BuiltInRole = keyof typeof BUILT_IN_ROLES;

export function isBuiltInRole(role: string): role is BuiltInRole {
  return Object.hasOwn(BUILT_IN_ROLES, role);
}
