import { z } from 'zod';

export const marketplaceId = z.string().min(1).max(100).describe('Marketplace id (from list_marketplaces)');
export const pluginId = z.string().min(1).max(100).describe('Plugin id (from list_plugins)');
