import { Injectable } from '@nestjs/common';
import { assertPermission } from '@app/access';
import {
  alreadyExistsOnClash,
  AuditLog,
  decodeCursor,
  displayName,
  lastFour, secretChange,
  NotFoundError,
  pickReference,
  tableReference,
  ReferenceResolver,
  SecretBox,
  toPage,
  TransactionRunner,
  type Page,
  type Principal,
} from '@app/shared';
import { normalizeBaseUrl, normalizeModels, type ProviderKind } from '../domain/llm-provider.js';
import { LlmProviderRepository, type LlmProviderRecord } from '../infrastructure/llm-provider.repository.js';
import { providerPermissions as can } from '../providers.permissions.js';

export interface LlmProviderView {
  id: string;
  name: string;
  kind: string;
  baseUrl: string | null;
  models: string[];
  hasApiKey: boolean;
  apiKeyLast4: string | null;
  createdByUserId: string;
  createdAt: string;
  updatedAt: string;
}

// The one mapping from a row to what callers see: the ciphertext never leaves it.
function providerView(p: LlmProviderRecord): LlmProviderView {
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

// The ciphertext is bound to the row, so a sealed key copied to another provider does not open.
const sealContext = (p: { orgId: string; id: string }) => `llm_provider:${p.orgId}:${p.id}:api_key`;

type ProviderInput = { provider?: string; providerId?: string };

const LLM_PROVIDER_REFERENCE = tableReference('LlmProvider', 'LLM provider', 'list_llm_providers');

@Injectable()
export class LlmProvidersService {
  constructor(
    private readonly references: ReferenceResolver,
    private readonly providers: LlmProviderRepository,
    private readonly transactions: TransactionRunner,
    private readonly secrets: SecretBox,
    private readonly audit: AuditLog,
  ) {}

  async list(principal: Principal, input: { cursor?: string; limit?: number }): Promise<Page<LlmProviderView>> {
    assertPermission(principal, can.list_llm_providers);
    const page = decodeCursor(input);
    return toPage(await this.providers.list(principal.orgId, page), page, providerView);
  }

  async get(principal: Principal, input: ProviderInput): Promise<LlmProviderView> {
    assertPermission(principal, can.get_llm_provider);
    return providerView(await this.require(principal.orgId, input));
  }

  async create(principal: Principal, input: { name: string; kind: ProviderKind; baseUrl?: string; models: string[]; apiKey?: string }): Promise<LlmProviderView> {
    assertPermission(principal, can.create_llm_provider);
    const name = displayName(input.name);
    const data = { name, kind: input.kind, baseUrl: normalizeBaseUrl(input.kind, input.baseUrl), models: normalizeModels(input.models) };
    const provider = await alreadyExistsOnClash(
      () =>
        this.transactions.run(async (tx) => {
          let created = await this.providers.create(tx, { orgId: principal.orgId, ...data, userId: principal.userId });
          if (input.apiKey !== undefined) created = await this.providers.update(tx, principal.orgId, created.id, this.sealed(created, input.apiKey));
          await this.audit.record(principal, { action: 'llm_provider.created', targetType: 'llm_provider', targetId: created.id, details: { name, kind: data.kind, hasApiKey: input.apiKey !== undefined } }, tx);
          return created;
        }),
      this.clash(principal.orgId, name),
    );
    return providerView(provider);
  }

  async update(
    principal: Principal,
    input: ProviderInput & { name?: string; kind?: ProviderKind; baseUrl?: string | null; models?: string[]; apiKey?: string | null },
  ): Promise<LlmProviderView> {
    assertPermission(principal, can.update_llm_provider);
    const { provider: _noun, providerId: _id, ...changes } = input;
    const current = await this.require(principal.orgId, input);
    const name = changes.name === undefined ? undefined : displayName(changes.name);
    const kind = changes.kind ?? (current.kind as ProviderKind);
    const baseUrl = changes.baseUrl !== undefined || changes.kind !== undefined ? normalizeBaseUrl(kind, changes.baseUrl === undefined ? current.baseUrl : changes.baseUrl) : undefined;
    const models = changes.models === undefined ? undefined : normalizeModels(changes.models);
    const apiKey = changes.apiKey === undefined ? {} : changes.apiKey === null ? { apiKeyEncrypted: null, apiKeyLast4: null } : this.sealed(current, changes.apiKey);
    const updated = await alreadyExistsOnClash(
      () =>
        this.transactions.run(async (tx) => {
          const row = await this.providers.update(tx, principal.orgId, current.id, { name, kind: changes.kind, baseUrl, models, ...apiKey });
          await this.audit.record(principal, {
            action: 'llm_provider.updated',
            targetType: 'llm_provider',
            targetId: current.id,
            details: {
              fields: Object.keys(changes).filter((k) => changes[k as keyof typeof changes] !== undefined),
              apiKey: secretChange(changes.apiKey),
            },
          }, tx);
          return row;
        }),
      name === undefined ? null : this.clash(principal.orgId, name),
    );
    return providerView(updated);
  }

  async delete(principal: Principal, input: ProviderInput): Promise<{ deleted: true; id: string; name: string }> {
    assertPermission(principal, can.delete_llm_provider);
    const provider = await this.require(principal.orgId, input);
    await this.transactions.run(async (tx) => {
      await this.providers.delete(tx, principal.orgId, provider.id);
      await this.audit.record(principal, { action: 'llm_provider.deleted', targetType: 'llm_provider', targetId: provider.id, details: { name: provider.name, kind: provider.kind } }, tx);
    });
    return { deleted: true, id: provider.id, name: provider.name };
  }

  private sealed(provider: { orgId: string; id: string }, apiKey: string) {
    return { apiKeyEncrypted: this.secrets.seal(apiKey, sealContext(provider)), apiKeyLast4: lastFour(apiKey) };
  }

  private async require(orgId: string, input: ProviderInput): Promise<LlmProviderRecord> {
    const { id } = await this.references.resolve(orgId, LLM_PROVIDER_REFERENCE, pickReference(input, 'provider', 'providerId'));
    const provider = await this.providers.find(orgId, id);
    if (!provider) throw new NotFoundError('LLM provider', id);
    return provider;
  }

  private clash(orgId: string, name: string) {
    return { resource: 'LLM provider', name, find: () => this.providers.findByName(orgId, name) };
  }
}
