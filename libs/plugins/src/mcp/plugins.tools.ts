import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { decodeCursor, pageInput, pageOutput, toPage, type Principal } from '@app/shared';
import { PluginsService } from '../application/plugins.service.js';
import type { PluginRecord } from '../infrastructure/plugin.repository.js';
import { PluginRiskyChanges } from '../application/risky-changes.js';

const pluginId = z.string().min(1).max(100).describe('Plugin id (from list_plugins)');
const configObjectId = z.string().min(1).max(100).describe('Id of a skill or config object of this organization');

const pluginSummary = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  componentCount: z.number().int().describe('How many skills/config objects it contains'),
  marketplaceCount: z.number().int().describe('In how many marketplaces it is published'),
  createdByUserId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const pluginDetail = pluginSummary.extend({
  components: z.array(
    z.object({
      configObjectId: z.string(),
      type: z.string().describe('skill, agent, command, tool, mcp, hook, context or custom'),
      name: z.string(),
      description: z.string(),
      latestVersion: z.number().int(),
      addedAt: z.string(),
    }),
  ),
  marketplaces: z.array(z.object({ marketplaceId: z.string(), name: z.string(), publishedAt: z.string() })).describe('Where it is published'),
});
const componentResult = z.object({
  pluginId: z.string(),
  configObjectId: z.string(),
  alreadyAttached: z.boolean().describe('true when it already was a component; nothing changed'),
});

type WithCounts = PluginRecord & { _count: { components: number; listings: number } };

function summary(p: WithCounts) {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    componentCount: p._count.components,
    marketplaceCount: p._count.listings,
    createdByUserId: p.createdByUserId,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

@McpTools({ toolset: 'catalog' })
export class PluginsTools {
  constructor(private readonly plugins: PluginsService) {}

  @McpTool({
    name: 'list_plugins',
    description: 'Lists the organization\'s plugins (bundles of skills and config objects) with component and marketplace counts.',
    permission: 'catalog:read',
    input: z.object(pageInput),
    output: pageOutput(pluginSummary),
    title: 'List plugins',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  async listPlugins(@CurrentPrincipal() principal: Principal, @ToolInput() input: { cursor?: string; limit: number }) {
    const page = decodeCursor(input);
    return toPage(await this.plugins.list(principal, page), page, summary);
  }

  @McpTool({
    name: 'get_plugin',
    description: 'Returns one plugin with its components (skills and config objects) and the marketplaces it is published in.',
    permission: 'catalog:read',
    input: z.object({ pluginId }),
    output: pluginDetail,
    title: 'Get a plugin',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  async getPlugin(@CurrentPrincipal() principal: Principal, @ToolInput() input: { pluginId: string }) {
    const p = await this.plugins.get(principal, input.pluginId);
    return {
      ...summary(p),
      components: p.components.map((c) => ({
        configObjectId: c.configObjectId,
        type: c.configObject.type,
        name: c.configObject.name,
        description: c.configObject.description,
        latestVersion: c.configObject.latestVersion,
        addedAt: c.createdAt.toISOString(),
      })),
      marketplaces: p.listings.map((l) => ({ marketplaceId: l.marketplace.id, name: l.marketplace.name, publishedAt: l.publishedAt.toISOString() })),
    };
  }

  @McpTool({
    name: 'create_plugin',
    description: 'Creates an empty plugin; add skills or config objects with add_plugin_component, then publish_plugin. To share one skill in one step use share_skill.',
    permission: 'catalog:write',
    input: z.object({
      name: z.string().min(1).max(64).describe('1-64 lowercase letters, digits or hyphens, unique in the organization, e.g. "weekly-status-report"'),
      description: z.string().max(1024).default('').describe('What the plugin gives its users'),
    }),
    output: pluginSummary,
    title: 'Create a plugin',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  async createPlugin(@CurrentPrincipal() principal: Principal, @ToolInput() input: { name: string; description: string }) {
    return summary({ ...(await this.plugins.create(principal, input)), _count: { components: 0, listings: 0 } });
  }

  @McpTool({
    name: 'add_plugin_component',
    description: 'Adds a skill or config object to a plugin; one already there changes nothing.',
    permission: 'catalog:write',
    input: z.object({ pluginId, configObjectId }),
    output: componentResult,
    title: 'Add to a plugin',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  async addComponent(@CurrentPrincipal() principal: Principal, @ToolInput() input: { pluginId: string; configObjectId: string }) {
    const { plugin, object, alreadyAttached } = await this.plugins.addComponent(principal, input.pluginId, input.configObjectId);
    return { pluginId: plugin.id, configObjectId: object.id, alreadyAttached };
  }

  @McpTool({
    name: 'remove_plugin_component',
    description: 'Removes a skill or config object from a plugin (the object itself is kept).',
    permission: 'catalog:write',
    input: z.object({ pluginId, configObjectId }),
    output: z.object({ pluginId: z.string(), configObjectId: z.string(), removed: z.literal(true) }),
    title: 'Remove from a plugin',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    risk: ({ principal, input, get }) => get(PluginRiskyChanges).removeComponent(principal, input),
  })
  async removeComponent(@CurrentPrincipal() principal: Principal, @ToolInput() input: { pluginId: string; configObjectId: string }) {
    const plugin = await this.plugins.removeComponent(principal, input.pluginId, input.configObjectId);
    return { pluginId: plugin.id, configObjectId: input.configObjectId, removed: true as const };
  }

  @McpTool({
    name: 'delete_plugin',
    description: 'Deletes a plugin, unpublishes it everywhere and drops its access grants; its skills and config objects are kept.',
    permission: 'catalog:write',
    input: z.object({ pluginId }),
    output: z.object({ deleted: z.literal(true), id: z.string(), name: z.string() }),
    title: 'Delete a plugin',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    risk: ({ principal, input, get }) => get(PluginRiskyChanges).deletePlugin(principal, input),
  })
  async deletePlugin(@CurrentPrincipal() principal: Principal, @ToolInput() input: { pluginId: string }) {
    const plugin = await this.plugins.delete(principal, input.pluginId);
    return { deleted: true as const, id: plugin.id, name: plugin.name };
  }
}
