import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { legacyIdField, pageInput, pageOutput, requiredReference, type Principal } from '@app/shared';
import { CONFIG_OBJECT_TYPES } from '@app/skills';
import { PluginsService } from '../application/plugins.service.js';
import { pluginPermissions as can } from '../plugins.permissions.js';
import { PluginRiskyChanges } from '../application/risky-changes.js';

const pluginRef = {
  plugin: requiredReference('Plugin name or id'),
  pluginId: legacyIdField('plugin'),
};
const componentRef = {
  configObject: requiredReference('Skill or config object name or id'),
  configObjectId: legacyIdField('configObject'),
  type: z.enum(CONFIG_OBJECT_TYPES).optional().describe('Its type, if the name is shared'),
};

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

const listInput = z.object(pageInput);
const getInput = z.object(pluginRef);
const createInput = z.object({
  name: z.string().min(1).max(64).describe('Unique, lowercase-hyphenated'),
  description: z.string().max(1024).default('').describe('What it gives its users'),
});
const componentInput = z.object({ ...pluginRef, ...componentRef });
const deleteInput = z.object(pluginRef);

@McpTools({ toolset: 'catalog' })
export class PluginsTools {
  constructor(private readonly plugins: PluginsService) {}

  @McpTool({
    name: 'list_plugins',
    description: 'Lists plugins (bundles of skills and config objects) with their counts.',
    permission: can.list_plugins,
    input: listInput,
    output: pageOutput(pluginSummary),
    title: 'List plugins',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  list(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof listInput>) {
    return this.plugins.list(principal, input);
  }

  @McpTool({
    name: 'get_plugin',
    description: 'Returns one plugin with its components and the marketplaces it is in.',
    permission: can.get_plugin,
    input: getInput,
    output: pluginDetail,
    title: 'Get plugin',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  get(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof getInput>) {
    return this.plugins.get(principal, input);
  }

  @McpTool({
    name: 'create_plugin',
    description: 'Creates an empty plugin; then add_plugin_component and publish_plugin.',
    permission: can.create_plugin,
    input: createInput,
    output: pluginSummary,
    title: 'Create plugin',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  create(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof createInput>) {
    return this.plugins.create(principal, input);
  }

  @McpTool({
    name: 'add_plugin_component',
    description: 'Adds a skill or config object to a plugin; one already there changes nothing.',
    permission: can.add_plugin_component,
    input: componentInput,
    output: componentResult,
    title: 'Add to plugin',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  addComponent(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof componentInput>) {
    return this.plugins.addComponent(principal, input);
  }

  @McpTool({
    name: 'remove_plugin_component',
    description: 'Removes a skill or config object from a plugin (the object itself is kept).',
    permission: can.remove_plugin_component,
    input: componentInput,
    output: z.object({ pluginId: z.string(), configObjectId: z.string(), removed: z.literal(true) }),
    title: 'Remove from plugin',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    risk: ({ principal, input, get }) => get(PluginRiskyChanges).removeComponent(principal, input),
  })
  removeComponent(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof componentInput>) {
    return this.plugins.removeComponent(principal, input);
  }

  @McpTool({
    name: 'delete_plugin',
    description: 'Deletes a plugin with its listings and grants; its components are kept.',
    permission: can.delete_plugin,
    input: deleteInput,
    output: z.object({ deleted: z.literal(true), id: z.string(), name: z.string() }),
    title: 'Delete plugin',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    risk: ({ principal, input, get }) => get(PluginRiskyChanges).deletePlugin(principal, input),
  })
  delete(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof deleteInput>) {
    return this.plugins.delete(principal, input);
  }
}
