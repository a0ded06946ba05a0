import type { Permission } from '@app/access';

// Each operation's permission, declared once: the tool's check and the use case's check both read it.
export const skillPermissions = {
  list_skills: 'catalog:read',
  get_skill: 'catalog:read',
  create_skill: 'catalog:write',
  update_skill: 'catalog:write',
  delete_skill: 'catalog:write',
  list_config_objects: 'catalog:read',
  get_config_object: 'catalog:read',
  create_config_object: 'catalog:write',
  update_config_object: 'catalog:write',
  delete_config_object: 'catalog:write',
} as const satisfies Record<string, Permission>;
