import type { Permission } from '@app/access';

// Each operation's permission, declared once: the tool's check and the use case's check both read it.
export const connectorPermissions = {
  list_connectors: 'connectors:read',
  get_connector: 'connectors:read',
  create_connector: 'connectors:manage',
  update_connector: 'connectors:manage',
  delete_connector: 'connectors:manage',
} as const satisfies Record<string, Permission>;
