import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { decodeCursor, FREE_FORM_MAX_DEPTH, FREE_FORM_MAX_JSON_CHARS, freeFormObject, pageInput, pageOutput, toPage, type Principal } from '@app/shared';
import { ConnectorsService } from '../application/connectors.service.js';
import type { ConnectorRecord } from '../infrastructure/connector.repository.js';
import { ConnectorRiskyChanges } from '../application/risky-changes.js';

const connectorId = z.string().min(1).max(100).describe('Connector id (from list_connectors)');
const config = freeFormObject().describe(
  `Non-secret settings, e.g. {"workspace": "acme", "baseUrl": "https://…"}; at most ${FREE_FORM_MAX_DEPTH} levels deep and ${FREE_FORM_MAX_JSON_CHARS} characters of JSON. Readable by every member: never put secrets here, at any depth.`,
);
const credentials = z
  .string()
  .min(8)
  .max(10_000)
  .describe('The secret (API token, password, JSON key). Write-only: stored encrypted and never shown again; reads give hasCredentials and the last 4 characters.');

const connectorOutput = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  config: z.record(z.string(), z.unknown()),
  hasCredentials: z.boolean(),
  credentialsLast4: z.string().nullable().describe('Last 4 characters of the stored secret, to tell secrets apart'),
  createdByUserId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

// The one mapping from a row to what tools return: the ciphertext never leaves it.
function view(c: ConnectorRecord) {
  return {
    id: c.id,
    name: c.name,
    type: c.type,
    config: (c.config ?? {}) as Record<string, unknown>,
    hasCredentials: c.credentialsEncrypted !== null,
    credentialsLast4: c.credentialsEncrypted !== null ? c.credentialsLast4 : null,
    createdByUserId: c.createdByUserId,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

@McpTools({ toolset: 'runtime' })
export class ConnectorsTools {
  constructor(private readonly connectors: ConnectorsService) {}

  @McpTool({
    name: 'list_connectors',
    description: 'Lists the organization\'s connectors (integrations such as GitHub or Slack). Credentials are never returned, only whether one is set.',
    permission: 'connectors:read',
    input: z.object({ type: z.string().max(50).optional().describe('Only connectors of this type, e.g. github'), ...pageInput }),
    output: pageOutput(connectorOutput),
    title: 'List connectors',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  async listConnectors(@CurrentPrincipal() principal: Principal, @ToolInput() input: { type?: string; cursor?: string; limit: number }) {
    const page = decodeCursor(input);
    return toPage(await this.connectors.list(principal, page, input.type), page, view);
  }

  @McpTool({
    name: 'get_connector',
    description: 'Returns one connector: type, non-secret config, and hasCredentials with the last 4 characters (never the secret).',
    permission: 'connectors:read',
    input: z.object({ connectorId }),
    output: connectorOutput,
    title: 'Get a connector',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  async getConnector(@CurrentPrincipal() principal: Principal, @ToolInput() input: { connectorId: string }) {
    return view(await this.connectors.get(principal, input.connectorId));
  }

  @McpTool({
    name: 'create_connector',
    description: 'Creates a connector with non-secret config and, optionally, write-only credentials (encrypted, never returned).',
    permission: 'connectors:manage',
    input: z.object({
      name: z.string().min(1).max(100).describe('Unique in the organization, e.g. "GitHub (acme)"'),
      type: z.string().min(1).max(50).describe('What it connects to: lowercase, e.g. github, slack, google_drive, custom_http'),
      config: config.default({}),
      credentials: credentials.optional(),
    }),
    output: connectorOutput,
    title: 'Create a connector',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  async createConnector(
    @CurrentPrincipal() principal: Principal,
    @ToolInput() input: { name: string; type: string; config: Record<string, unknown>; credentials?: string },
  ) {
    return view(await this.connectors.create(principal, input));
  }

  @McpTool({
    name: 'update_connector',
    description: 'Renames a connector, replaces its config, or replaces (string) or removes (null) its credentials. Omitted fields stay.',
    permission: 'connectors:manage',
    input: z.object({
      connectorId,
      name: z.string().min(1).max(100).optional().describe('New name'),
      config: config.optional().describe('Replaces the whole config (non-secret settings only)'),
      credentials: credentials.nullable().optional().describe('New write-only secret, or null to remove the stored one'),
    }),
    output: connectorOutput,
    title: 'Update a connector',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  async updateConnector(
    @CurrentPrincipal() principal: Principal,
    @ToolInput() input: { connectorId: string; name?: string; config?: Record<string, unknown>; credentials?: string | null },
  ) {
    const { connectorId: id, ...changes } = input;
    return view(await this.connectors.update(principal, id, changes));
  }

  @McpTool({
    name: 'delete_connector',
    description: 'Deletes a connector and its stored credentials. Cannot be undone.',
    permission: 'connectors:manage',
    input: z.object({ connectorId }),
    output: z.object({ deleted: z.literal(true), id: z.string(), name: z.string() }),
    title: 'Delete a connector',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    risk: ({ principal, input, get }) => get(ConnectorRiskyChanges).deleteConnector(principal, input),
  })
  async deleteConnector(@CurrentPrincipal() principal: Principal, @ToolInput() input: { connectorId: string }) {
    const c = await this.connectors.delete(principal, input.connectorId);
    return { deleted: true as const, id: c.id, name: c.name };
  }
}
