import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { decodeCursor, FREE_FORM_MAX_DEPTH, FREE_FORM_MAX_JSON_CHARS, freeFormObject, pageInput, pageOutput, toPage, type Principal } from '@app/shared';
import { CONFIG_OBJECT_KIND, ConfigObjectsService, type ConfigObjectWithVersion } from '../application/config-objects.service.js';
import { GENERIC_CONFIG_OBJECT_TYPES, MAX_CONTENT_LENGTH, type ConfigObjectType } from '../domain/config-object.js';
import type { ConfigObjectRecord } from '../infrastructure/config-object.repository.js';
import { CatalogObjectRiskyChanges } from '../application/risky-changes.js';

const configObjectId = z.string().min(1).max(100).describe('Config object id (from list_config_objects)');
const type = z.enum(GENERIC_CONFIG_OBJECT_TYPES).describe('Kind of object (mcp: an MCP server definition); skills have their own tools');
const content = z.string().max(MAX_CONTENT_LENGTH).describe('The definition itself (Markdown, JSON or YAML text as the type expects)');
const metadata = freeFormObject().describe(
  `Optional structured settings stored with this version; at most ${FREE_FORM_MAX_DEPTH} levels deep and ${FREE_FORM_MAX_JSON_CHARS} characters of JSON`,
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

function summary(o: ConfigObjectRecord) {
  return {
    id: o.id,
    type: o.type,
    name: o.name,
    description: o.description,
    latestVersion: o.latestVersion,
    createdByUserId: o.createdByUserId,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}
function detail({ object, version }: ConfigObjectWithVersion) {
  return { ...summary(object), version: version.version, content: version.content, metadata: (version.metadata ?? {}) as Record<string, unknown> };
}

@McpTools({ toolset: 'catalog' })
export class ConfigObjectsTools {
  constructor(private readonly objects: ConfigObjectsService) {}

  @McpTool({
    name: 'list_config_objects',
    description: 'Lists the organization\'s config objects (agents, commands, tools, MCP servers, hooks, contexts, custom), optionally of one type.',
    permission: 'catalog:read',
    input: z.object({ type: type.optional(), ...pageInput }),
    output: pageOutput(configObjectSummary),
    title: 'List config objects',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  async list(@CurrentPrincipal() principal: Principal, @ToolInput() input: { type?: ConfigObjectType; cursor?: string; limit: number }) {
    const page = decodeCursor(input);
    return toPage(await this.objects.list(principal, CONFIG_OBJECT_KIND, page, input.type), page, summary);
  }

  @McpTool({
    name: 'get_config_object',
    description: 'Returns one config object with the content of its latest version, or of an earlier version when version is given.',
    permission: 'catalog:read',
    input: z.object({ configObjectId, version: z.number().int().min(1).optional().describe('A version number; omit for the latest') }),
    output: configObjectDetail,
    title: 'Get a config object',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  async get(@CurrentPrincipal() principal: Principal, @ToolInput() input: { configObjectId: string; version?: number }) {
    return detail(await this.objects.get(principal, CONFIG_OBJECT_KIND, input.configObjectId, input.version));
  }

  @McpTool({
    name: 'create_config_object',
    description: 'Creates a config object (version 1); names are unique per type. For skills use create_skill.',
    permission: 'catalog:write',
    input: z.object({
      type,
      name: z.string().min(1).max(100).describe('Unique name within the type, e.g. "code-reviewer"'),
      description: z.string().max(1024).default('').describe('What it is for, for people and agents choosing it'),
      content,
      metadata: metadata.default({}),
    }),
    output: configObjectDetail,
    title: 'Create a config object',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  async create(
    @CurrentPrincipal() principal: Principal,
    @ToolInput() input: { type: ConfigObjectType; name: string; description: string; content: string; metadata: Record<string, unknown> },
  ) {
    return detail(await this.objects.create(principal, CONFIG_OBJECT_KIND, input));
  }

  @McpTool({
    name: 'update_config_object',
    description: 'Changes a config object; every call stores a new version (fields you omit are carried over from the latest version).',
    permission: 'catalog:write',
    input: z.object({
      configObjectId,
      name: z.string().min(1).max(100).optional().describe('New name (unique within the type)'),
      description: z.string().max(1024).optional().describe('New description'),
      content: content.optional(),
      metadata: metadata.optional(),
    }),
    output: configObjectDetail,
    title: 'Update a config object',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  async update(
    @CurrentPrincipal() principal: Principal,
    @ToolInput() input: { configObjectId: string; name?: string; description?: string; content?: string; metadata?: Record<string, unknown> },
  ) {
    const { configObjectId: id, ...changes } = input;
    return detail(await this.objects.update(principal, CONFIG_OBJECT_KIND, id, changes));
  }

  @McpTool({
    name: 'delete_config_object',
    description: 'Deletes a config object with all its versions and removes it from every plugin that contains it. Cannot be undone.',
    permission: 'catalog:write',
    input: z.object({ configObjectId }),
    output: z.object({ deleted: z.literal(true), id: z.string(), name: z.string() }),
    title: 'Delete a config object',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    risk: ({ principal, input, get }) => get(CatalogObjectRiskyChanges).deleteConfigObject(principal, input),
  })
  async delete(@CurrentPrincipal() principal: Principal, @ToolInput() input: { configObjectId: string }) {
    const deleted = await this.objects.delete(principal, CONFIG_OBJECT_KIND, input.configObjectId);
    return { deleted: true as const, id: deleted.id, name: deleted.name };
  }
}
