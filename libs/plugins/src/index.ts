export { PluginsModule } from './plugins.module.js';
export { PluginsService } from './application/plugins.service.js';
export type { PluginRecord } from './infrastructure/plugin.repository.js';
