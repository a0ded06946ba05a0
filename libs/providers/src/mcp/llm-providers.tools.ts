import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { legacyIdField, pageInput, pageOutput, requiredReference, type Principal } from '@app/shared';
import { LlmProvidersService } from '../application/llm-providers.service.js';
import { PROVIDER_KINDS } from '../domain/llm-provider.js';
import { providerPermissions as can } from '../providers.permissions.js';
import { ProviderRiskyChanges } from '../application/risky-changes.js';

const providerRef = {
  provider: requiredReference('LLM provider name or id'),
  providerId: legacyIdField('provider'),
};
const kind = z.enum(PROVIDER_KINDS).describe('The API family');
const baseUrl = z.string().max(2000).describe('Endpoint (azure_openai, ollama, openai_compatible)');
const models = z.array(z.string().max(200)).max(100).describe('Model ids members may use');
const apiKey = z
  .string()
  .min(8)
  .max(10_000)
  .describe('Write-only API key: stored encrypted, never shown again');

const providerSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  baseUrl: z.string().nullable(),
  models: z.array(z.string()),
  hasApiKey: z.boolean(),
  apiKeyLast4: z.string().nullable().describe('Last 4 characters of the stored key, to tell keys apart'),
  createdByUserId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const listInput = z.object(pageInput);
const getInput = z.object(providerRef);
const createInput = z.object({
  name: z.string().min(1).max(100).describe('Unique name, e.g. "Anthropic"'),
  kind,
  baseUrl: baseUrl.optional(),
  models: models.default([]),
  apiKey: apiKey.optional(),
});
const updateInput = z.object({
  ...providerRef,
  name: z.string().min(1).max(100).optional().describe('New name'),
  kind: kind.optional(),
  baseUrl: baseUrl.nullable().optional().describe('New endpoint, or null for the default'),
  models: models.optional().describe('Replaces the model list'),
  apiKey: apiKey.nullable().optional().describe('New API key, or null to remove it'),
});
const deleteInput = z.object(providerRef);

@McpTools({ toolset: 'runtime' })
export class LlmProvidersTools {
  constructor(private readonly providers: LlmProvidersService) {}

  @McpTool({
    name: 'list_llm_providers',
    description: 'Lists LLM providers with their models; API keys are never returned.',
    permission: can.list_llm_providers,
    input: listInput,
    output: pageOutput(providerSchema),
    title: 'List LLM providers',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  list(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof listInput>) {
    return this.providers.list(principal, input);
  }

  @McpTool({
    name: 'get_llm_provider',
    description: 'Returns one LLM provider: kind, base URL, models, key set or not.',
    permission: can.get_llm_provider,
    input: getInput,
    output: providerSchema,
    title: 'Get LLM provider',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  get(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof getInput>) {
    return this.providers.get(principal, input);
  }

  @McpTool({
    name: 'create_llm_provider',
    description: 'Adds an LLM provider with its models and an optional write-only API key.',
    permission: can.create_llm_provider,
    input: createInput,
    output: providerSchema,
    title: 'Create LLM provider',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  create(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof createInput>) {
    return this.providers.create(principal, input);
  }

  @McpTool({
    name: 'update_llm_provider',
    description: 'Changes an LLM provider; omitted fields stay, apiKey null removes the key.',
    permission: can.update_llm_provider,
    input: updateInput,
    output: providerSchema,
    title: 'Update LLM provider',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  update(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof updateInput>) {
    return this.providers.update(principal, input);
  }

  @McpTool({
    name: 'delete_llm_provider',
    description: 'Deletes an LLM provider and its stored API key. Cannot be undone.',
    permission: can.delete_llm_provider,
    input: deleteInput,
    output: z.object({ deleted: z.literal(true), id: z.string(), name: z.string() }),
    title: 'Delete LLM provider',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    risk: ({ principal, input, get }) => get(ProviderRiskyChanges).deleteProvider(principal, input),
  })
  delete(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof deleteInput>) {
    return this.providers.delete(principal, input);
  }
}
