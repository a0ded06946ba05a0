export { PluginsModule } from './plugins.module.js';
export { PluginsService } from './application/plugins.service.js';
export type { PluginRecord } from './infrastructure/plugin.repository.js';
export { pluginPermissions } from './plugins.permissions.js';
