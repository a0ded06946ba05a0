import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { FREE_FORM_MAX_DEPTH, freeFormObject, legacyIdField, pageInput, pageOutput, requiredReference, type Principal } from '@app/shared';
import { ConnectorsService } from '../application/connectors.service.js';
import { connectorPermissions as can } from '../connectors.permissions.js';
import { ConnectorRiskyChanges } from '../application/risky-changes.js';

const connectorRef = {
  connector: requiredReference('Connector name or id'),
  connectorId: legacyIdField('connector'),
};
const config = freeFormObject().describe(
  `Non-secret settings, readable by all members (≤ ${FREE_FORM_MAX_DEPTH} levels)`,
);
const credentials = z
  .string()
  .min(8)
  .max(10_000)
  .describe('Write-only secret: stored encrypted, never shown again');

const connectorSchema = z.object({
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

const listInput = z.object({ type: z.string().max(50).optional().describe('Only this type'), ...pageInput });
const getInput = z.object(connectorRef);
const createInput = z.object({
  name: z.string().min(1).max(100).describe('Unique name, e.g. "GitHub"'),
  type: z.string().min(1).max(50).describe('Lowercase, e.g. github, slack'),
  config: config.default({}),
  credentials: credentials.optional(),
});
const updateInput = z.object({
  ...connectorRef,
  name: z.string().min(1).max(100).optional().describe('New name'),
  config: config.optional().describe('Replaces the whole config'),
  credentials: credentials.nullable().optional().describe('New secret, or null to remove it'),
});
const deleteInput = z.object(connectorRef);

@McpTools({ toolset: 'runtime' })
export class ConnectorsTools {
  constructor(private readonly connectors: ConnectorsService) {}

  @McpTool({
    name: 'list_connectors',
    description: 'Lists connectors (integrations such as GitHub); credentials are never returned.',
    permission: can.list_connectors,
    input: listInput,
    output: pageOutput(connectorSchema),
    title: 'List connectors',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  list(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof listInput>) {
    return this.connectors.list(principal, input);
  }

  @McpTool({
    name: 'get_connector',
    description: 'Returns one connector: type, config and whether credentials are set.',
    permission: can.get_connector,
    input: getInput,
    output: connectorSchema,
    title: 'Get connector',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  get(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof getInput>) {
    return this.connectors.get(principal, input);
  }

  @McpTool({
    name: 'create_connector',
    description: 'Creates a connector with config and optional write-only credentials.',
    permission: can.create_connector,
    input: createInput,
    output: connectorSchema,
    title: 'Create connector',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  create(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof createInput>) {
    return this.connectors.create(principal, input);
  }

  @McpTool({
    name: 'update_connector',
    description: 'Changes a connector\'s name, config or credentials; omitted fields stay.',
    permission: can.update_connector,
    input: updateInput,
    output: connectorSchema,
    title: 'Update connector',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  update(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof updateInput>) {
    return this.connectors.update(principal, input);
  }

  @McpTool({
    name: 'delete_connector',
    description: 'Deletes a connector and its stored credentials. Cannot be undone.',
    permission: can.delete_connector,
    input: deleteInput,
    output: z.object({ deleted: z.literal(true), id: z.string(), name: z.string() }),
    title: 'Delete connector',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    risk: ({ principal, input, get }) => get(ConnectorRiskyChanges).deleteConnector(principal, input),
  })
  delete(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof deleteInput>) {
    return this.connectors.delete(principal, input);
  }
}
