export { SkillsModule } from './skills.module.js';
export { ConfigObjectsService, SKILL_KIND } from './application/config-objects.service.js';
export type { ConfigObjectRecord } from './infrastructure/config-object.repository.js';
export { CONFIG_OBJECT_TYPES, type ConfigObjectType } from './domain/config-object.js';
export { SKILL_MIME_TYPE, SKILL_URI_TEMPLATE, SkillResources, type SkillResource } from './mcp/skill-resources.js';
export { skillPermissions } from './skills.permissions.js';
