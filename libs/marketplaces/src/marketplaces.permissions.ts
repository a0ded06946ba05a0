import type { Permission } from '@app/access';

// Each operation's permission, declared once: the tool's check and the use case's check both read it.
export const marketplacePermissions = {
  list_marketplaces: 'catalog:read',
  create_marketplace: 'marketplaces:manage',
  publish_plugin: 'marketplaces:manage',
  unpublish_plugin: 'marketplaces:manage',
  list_marketplace_plugins: 'catalog:read',
  grant_access: 'catalog:write',
  revoke_access: 'catalog:write',
  list_access_grants: 'catalog:read',
  // Sharing with the whole organization is an admin decision (an org-wide grant); the plugin it
  // creates on the way is part of that one step, so catalog:write is not asked for as well.
  share_skill: 'marketplaces:manage',
} as const satisfies Record<string, Permission>;
