import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { decodeCursor, pageInput, pageOutput, toPage, type Principal } from '@app/shared';
import { LlmProvidersService, type ProviderChanges } from '../application/llm-providers.service.js';
import { PROVIDER_KINDS, type ProviderKind } from '../domain/llm-provider.js';
import type { LlmProviderRecord } from '../infrastructure/llm-provider.repository.js';
import { ProviderRiskyChanges } from '../application/risky-changes.js';

const providerId = z.string().min(1).max(100).describe('Provider id (from list_llm_providers)');
const kind = z.enum(PROVIDER_KINDS).describe('The API family');
const baseUrl = z.string().max(2000).describe('API endpoint; required for azure_openai, ollama and openai_compatible');
const models = z.array(z.string().max(200)).max(100).describe('Model ids members may use, e.g. ["claude-sonnet-4-5"]');
const apiKey = z
  .string()
  .min(8)
  .max(10_000)
  .describe('The provider API key. Write-only: stored encrypted and never shown again; reads give hasApiKey and the last 4 characters.');

const providerOutput = z.object({
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

// The one mapping from a row to what tools return: the ciphertext never leaves it.
function view(p: LlmProviderRecord) {
  return {
    id: p.id,
    name: p.name,
    kind: p.kind,
    baseUrl: p.baseUrl,
    models: p.models,
    hasApiKey: p.apiKeyEncrypted !== null,
    apiKeyLast4: p.apiKeyEncrypted !== null ? p.apiKeyLast4 : null,
    createdByUserId: p.createdByUserId,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

@McpTools({ toolset: 'runtime' })
export class LlmProvidersTools {
  constructor(private readonly providers: LlmProvidersService) {}

  @McpTool({
    name: 'list_llm_providers',
    description: 'Lists the organization\'s LLM providers with their models. API keys are never returned, only hasApiKey and the last 4 characters.',
    permission: 'providers:read',
    input: z.object(pageInput),
    output: pageOutput(providerOutput),
    title: 'List LLM providers',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  async listProviders(@CurrentPrincipal() principal: Principal, @ToolInput() input: { cursor?: string; limit: number }) {
    const page = decodeCursor(input);
    return toPage(await this.providers.list(principal, page), page, view);
  }

  @McpTool({
    name: 'get_llm_provider',
    description: 'Returns one LLM provider: kind, base URL, models, and hasApiKey with the last 4 characters (never the key).',
    permission: 'providers:read',
    input: z.object({ providerId }),
    output: providerOutput,
    title: 'Get an LLM provider',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  async getProvider(@CurrentPrincipal() principal: Principal, @ToolInput() input: { providerId: string }) {
    return view(await this.providers.get(principal, input.providerId));
  }

  @McpTool({
    name: 'create_llm_provider',
    description: 'Adds an LLM provider with its models and, optionally, a write-only API key (encrypted, never returned).',
    permission: 'providers:manage',
    input: z.object({
      name: z.string().min(1).max(100).describe('Unique in the organization, e.g. "Anthropic (prod)"'),
      kind,
      baseUrl: baseUrl.optional(),
      models: models.default([]),
      apiKey: apiKey.optional(),
    }),
    output: providerOutput,
    title: 'Create an LLM provider',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  async createProvider(
    @CurrentPrincipal() principal: Principal,
    @ToolInput() input: { name: string; kind: ProviderKind; baseUrl?: string; models: string[]; apiKey?: string },
  ) {
    return view(await this.providers.create(principal, input));
  }

  @McpTool({
    name: 'update_llm_provider',
    description: 'Changes an LLM provider\'s name, kind, base URL or models, or replaces (string) or removes (null) its API key. Omitted fields stay.',
    permission: 'providers:manage',
    input: z.object({
      providerId,
      name: z.string().min(1).max(100).optional().describe('New name'),
      kind: kind.optional(),
      baseUrl: baseUrl.nullable().optional().describe('New endpoint, or null to use the provider\'s default'),
      models: models.optional().describe('Replaces the whole model list'),
      apiKey: apiKey.nullable().optional().describe('New write-only API key, or null to remove the stored one'),
    }),
    output: providerOutput,
    title: 'Update an LLM provider',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  async updateProvider(@CurrentPrincipal() principal: Principal, @ToolInput() input: ProviderChanges & { providerId: string }) {
    const { providerId: id, ...changes } = input;
    return view(await this.providers.update(principal, id, changes));
  }

  @McpTool({
    name: 'delete_llm_provider',
    description: 'Deletes an LLM provider and its stored API key. Cannot be undone.',
    permission: 'providers:manage',
    input: z.object({ providerId }),
    output: z.object({ deleted: z.literal(true), id: z.string(), name: z.string() }),
    title: 'Delete an LLM provider',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    risk: ({ principal, input, get }) => get(ProviderRiskyChanges).deleteProvider(principal, input),
  })
  async deleteProvider(@CurrentPrincipal() principal: Principal, @ToolInput() input: { providerId: string }) {
    const p = await this.providers.delete(principal, input.providerId);
    return { deleted: true as const, id: p.id, name: p.name };
  }
}
