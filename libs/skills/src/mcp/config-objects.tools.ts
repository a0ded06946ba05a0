import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { FREE_FORM_MAX_DEPTH, freeFormObject, legacyIdField, pageInput, pageOutput, requiredReference, type Principal } from '@app/shared';
import { ConfigObjectsService } from '../application/config-objects.service.js';
import { GENERIC_CONFIG_OBJECT_TYPES, MAX_CONTENT_LENGTH } from '../domain/config-object.js';
import { skillPermissions as can } from '../skills.permissions.js';
import { CatalogObjectRiskyChanges } from '../application/risky-changes.js';

const type = z.enum(GENERIC_CONFIG_OBJECT_TYPES).describe('Kind of object (mcp: an MCP server)');
const configObjectRef = {
  configObject: requiredReference('Config object name or id'),
  configObjectId: legacyIdField('configObject'),
  type: type.optional().describe('Its type, when several share the name'),
};
const content = z.string().max(MAX_CONTENT_LENGTH).describe('The definition (Markdown, JSON or YAML)');
const metadata = freeFormObject().describe(
  `Settings stored with this version (≤ ${FREE_FORM_MAX_DEPTH} levels)`,
);

const configObjectSummary = z.object({
  id: z.string(),
  type: z.string(),
  name: z.string(),
  description: z.string(),
  latestVersion: z.number().int(),
  createdByUserId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const configObjectDetail = configObjectSummary.extend({
  version: z.number().int().describe('The version whose content is returned'),
  content: z.string(),
  metadata: z.record(z.string(), z.unknown()),
});

const listInput = z.object({ type: type.optional(), ...pageInput });
const getInput = z.object({ ...configObjectRef, version: z.number().int().min(1).optional().describe('Omit for the latest') });
const createInput = z.object({
  type,
  name: z.string().min(1).max(100).describe('Unique within the type'),
  description: z.string().max(1024).default('').describe('What it is for'),
  content,
  metadata: metadata.default({}),
});
const updateInput = z.object({
  ...configObjectRef,
  name: z.string().min(1).max(100).optional().describe('New name (unique within the type)'),
  description: z.string().max(1024).optional().describe('New description'),
  content: content.optional(),
  metadata: metadata.optional(),
});
const deleteInput = z.object(configObjectRef);

@McpTools({ toolset: 'catalog' })
export class ConfigObjectsTools {
  constructor(private readonly objects: ConfigObjectsService) {}

  @McpTool({
    name: 'list_config_objects',
    description: 'Lists config objects (agents, commands, MCP servers…), optionally of one type.',
    permission: can.list_config_objects,
    input: listInput,
    output: pageOutput(configObjectSummary),
    title: 'List config objects',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  list(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof listInput>) {
    return this.objects.list(principal, input);
  }

  @McpTool({
    name: 'get_config_object',
    description: 'Returns one config object with the content of its latest or a given version.',
    permission: can.get_config_object,
    input: getInput,
    output: configObjectDetail,
    title: 'Get config object',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  get(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof getInput>) {
    return this.objects.get(principal, input);
  }

  @McpTool({
    name: 'create_config_object',
    description: 'Creates a config object (version 1), unique by type and name; skills use create_skill.',
    permission: can.create_config_object,
    input: createInput,
    output: configObjectDetail,
    title: 'Create config object',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  create(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof createInput>) {
    return this.objects.create(principal, input);
  }

  @McpTool({
    name: 'update_config_object',
    description: 'Changes a config object as a new version; omitted fields carry over.',
    permission: can.update_config_object,
    input: updateInput,
    output: configObjectDetail,
    title: 'Update config object',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  update(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof updateInput>) {
    return this.objects.update(principal, input);
  }

  @McpTool({
    name: 'delete_config_object',
    description: 'Deletes a config object with all versions, also from plugins. Cannot be undone.',
    permission: can.delete_config_object,
    input: deleteInput,
    output: z.object({ deleted: z.literal(true), id: z.string(), name: z.string() }),
    title: 'Delete config object',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    risk: ({ principal, input, get }) => get(CatalogObjectRiskyChanges).deleteConfigObject(principal, input),
  })
  delete(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof deleteInput>) {
    return this.objects.delete(principal, input);
  }
}
