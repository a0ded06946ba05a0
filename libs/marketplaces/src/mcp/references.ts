import { z } from 'zod';

export const marketplaceId = z.string().min(1).max(100).describe('The marketplace id (from list_marketplaces or create_marketplace)');
export const pluginId = z.string().min(1).max(100).describe('The plugin id (from list_plugins or create_plugin)');
