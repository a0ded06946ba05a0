import { Injectable } from '@nestjs/common';
import { assertPermission } from '@app/access';
import { AlreadyExistsError, AuditLog, lastFour, NotFoundError, SecretBox, type PageRequest, type Principal, isUniqueViolation } from '@app/shared';
import { normalizeBaseUrl, normalizeModels, normalizeProviderName, type ProviderKind } from '../domain/llm-provider.js';
import { LlmProviderRepository, type LlmProviderRecord } from '../infrastructure/llm-provider.repository.js';

// The ciphertext is bound to the row, so a sealed key copied to another provider does not open.
const sealContext = (p: { orgId: string; id: string }) => `llm_provider:${p.orgId}:${p.id}:api_key`;

export interface ProviderChanges {
  name?: string;
  kind?: ProviderKind;
  baseUrl?: string | null;
  models?: string[];
  apiKey?: string | null;
}

@Injectable()
export class LlmProvidersService {
  constructor(
    private readonly providers: LlmProviderRepository,
    private readonly secrets: SecretBox,
    private readonly audit: AuditLog,
  ) {}

  list(principal: Principal, page: PageRequest) {
    assertPermission(principal, 'providers:read');
    return this.providers.list(principal.orgId, page);
  }

  get(principal: Principal, id: string) {
    assertPermission(principal, 'providers:read');
    return this.require(principal.orgId, id);
  }

  async create(principal: Principal, input: { name: string; kind: ProviderKind; baseUrl?: string; models: string[]; apiKey?: string }): Promise<LlmProviderRecord> {
    assertPermission(principal, 'providers:manage');
    const name = normalizeProviderName(input.name);
    const data = { name, kind: input.kind, baseUrl: normalizeBaseUrl(input.kind, input.baseUrl), models: normalizeModels(input.models) };
    await this.assertNameFree(principal.orgId, name);
    try {
      return await this.providers.transaction(async (tx) => {
        let provider = await this.providers.create({ orgId: principal.orgId, ...data, userId: principal.userId }, tx);
        if (input.apiKey !== undefined) provider = await this.providers.update(principal.orgId, provider.id, this.sealed(provider, input.apiKey), tx);
        await this.audit.record(principal, { action: 'llm_provider.created', targetType: 'llm_provider', targetId: provider.id, details: { name, kind: data.kind, hasApiKey: input.apiKey !== undefined } }, tx);
        return provider;
      });
    } catch (error) {
      throw await this.nameClash(error, principal.orgId, name);
    }
  }

  async update(principal: Principal, id: string, input: ProviderChanges): Promise<LlmProviderRecord> {
    assertPermission(principal, 'providers:manage');
    const current = await this.require(principal.orgId, id);
    const name = input.name === undefined ? undefined : normalizeProviderName(input.name);
    if (name !== undefined && name !== current.name) await this.assertNameFree(principal.orgId, name);
    const kind = input.kind ?? (current.kind as ProviderKind);
    const baseUrl = input.baseUrl !== undefined || input.kind !== undefined ? normalizeBaseUrl(kind, input.baseUrl === undefined ? current.baseUrl : input.baseUrl) : undefined;
    const models = input.models === undefined ? undefined : normalizeModels(input.models);
    const apiKey = input.apiKey === undefined ? {} : input.apiKey === null ? { apiKeyEncrypted: null, apiKeyLast4: null } : this.sealed(current, input.apiKey);
    try {
      return await this.providers.transaction(async (tx) => {
        const updated = await this.providers.update(principal.orgId, current.id, { name, kind: input.kind, baseUrl, models, ...apiKey }, tx);
        await this.audit.record(principal, {
          action: 'llm_provider.updated',
          targetType: 'llm_provider',
          targetId: current.id,
          details: {
            fields: Object.keys(input).filter((k) => input[k as keyof ProviderChanges] !== undefined),
            apiKey: input.apiKey === undefined ? 'unchanged' : input.apiKey === null ? 'removed' : 'replaced',
          },
        }, tx);
        return updated;
      });
    } catch (error) {
      throw name ? await this.nameClash(error, principal.orgId, name) : error;
    }
  }

  async delete(principal: Principal, id: string): Promise<LlmProviderRecord> {
    assertPermission(principal, 'providers:manage');
    const provider = await this.require(principal.orgId, id);
    await this.providers.transaction(async (tx) => {
      await this.providers.delete(principal.orgId, provider.id, tx);
      await this.audit.record(principal, { action: 'llm_provider.deleted', targetType: 'llm_provider', targetId: provider.id, details: { name: provider.name, kind: provider.kind } }, tx);
    });
    return provider;
  }

  private sealed(provider: { orgId: string; id: string }, apiKey: string) {
    return { apiKeyEncrypted: this.secrets.seal(apiKey, sealContext(provider)), apiKeyLast4: lastFour(apiKey) };
  }

  private async require(orgId: string, id: string): Promise<LlmProviderRecord> {
    const provider = await this.providers.find(orgId, id);
    if (!provider) throw new NotFoundError('LLM provider', id, 'Call list_llm_providers to find a valid id.');
    return provider;
  }

  private async assertNameFree(orgId: string, name: string): Promise<void> {
    const existing = await this.providers.findByName(orgId, name);
    if (existing) throw new AlreadyExistsError('LLM provider', name, existing.id);
  }

  private async nameClash(error: unknown, orgId: string, name: string): Promise<unknown> {
    if (!isUniqueViolation(error)) return error;
    const existing = await this.providers.findByName(orgId, name);
    return existing ? new AlreadyExistsError('LLM provider', name, existing.id) : error;
  }
}
