import type { Permission } from '@app/access';

// Each operation's permission, declared once: the tool's check and the use case's check both read it.
export const pluginPermissions = {
  list_plugins: 'catalog:read',
  get_plugin: 'catalog:read',
  create_plugin: 'catalog:write',
  add_plugin_component: 'catalog:write',
  remove_plugin_component: 'catalog:write',
  delete_plugin: 'catalog:write',
} as const satisfies Record<string, Permission>;
