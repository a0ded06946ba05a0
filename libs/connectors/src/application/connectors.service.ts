import { Injectable } from '@nestjs/common';
import { assertPermission } from '@app/access';
import { AlreadyExistsError, AuditLog, lastFour, NotFoundError, SecretBox, type PageRequest, type Principal, isUniqueViolation } from '@app/shared';
import { assertConnectorType, assertNoSecretsInConfig, normalizeConnectorName } from '../domain/connector.js';
import { ConnectorRepository, type ConnectorRecord } from '../infrastructure/connector.repository.js';

// The ciphertext is bound to the row, so a sealed value copied to another connector does not open.
const sealContext = (c: { orgId: string; id: string }) => `connector:${c.orgId}:${c.id}:credentials`;

@Injectable()
export class ConnectorsService {
  constructor(
    private readonly connectors: ConnectorRepository,
    private readonly secrets: SecretBox,
    private readonly audit: AuditLog,
  ) {}

  list(principal: Principal, page: PageRequest, type?: string) {
    assertPermission(principal, 'connectors:read');
    return this.connectors.list(principal.orgId, page, type);
  }

  get(principal: Principal, id: string) {
    assertPermission(principal, 'connectors:read');
    return this.require(principal.orgId, id);
  }

  async create(principal: Principal, input: { name: string; type: string; config: Record<string, unknown>; credentials?: string }): Promise<ConnectorRecord> {
    assertPermission(principal, 'connectors:manage');
    const name = normalizeConnectorName(input.name);
    const type = assertConnectorType(input.type);
    assertNoSecretsInConfig(input.config);
    await this.assertNameFree(principal.orgId, name);
    try {
      return await this.connectors.transaction(async (tx) => {
        let connector = await this.connectors.create({ orgId: principal.orgId, name, type, config: input.config, userId: principal.userId }, tx);
        if (input.credentials !== undefined) connector = await this.connectors.update(principal.orgId, connector.id, this.sealed(connector, input.credentials), tx);
        await this.audit.record(principal, { action: 'connector.created', targetType: 'connector', targetId: connector.id, details: { name, type, hasCredentials: input.credentials !== undefined } }, tx);
        return connector;
      });
    } catch (error) {
      throw await this.nameClash(error, principal.orgId, name);
    }
  }

  async update(principal: Principal, id: string, input: { name?: string; config?: Record<string, unknown>; credentials?: string | null }): Promise<ConnectorRecord> {
    assertPermission(principal, 'connectors:manage');
    const current = await this.require(principal.orgId, id);
    const name = input.name === undefined ? undefined : normalizeConnectorName(input.name);
    if (name !== undefined && name !== current.name) await this.assertNameFree(principal.orgId, name);
    if (input.config) assertNoSecretsInConfig(input.config);
    const credentials =
      input.credentials === undefined ? {} : input.credentials === null ? { credentialsEncrypted: null, credentialsLast4: null } : this.sealed(current, input.credentials);
    try {
      return await this.connectors.transaction(async (tx) => {
        const updated = await this.connectors.update(principal.orgId, current.id, { name, config: input.config, ...credentials }, tx);
        await this.audit.record(principal, {
          action: 'connector.updated',
          targetType: 'connector',
          targetId: current.id,
          details: {
            fields: Object.keys(input).filter((k) => input[k as keyof typeof input] !== undefined),
            credentials: input.credentials === undefined ? 'unchanged' : input.credentials === null ? 'removed' : 'replaced',
          },
        }, tx);
        return updated;
      });
    } catch (error) {
      throw name ? await this.nameClash(error, principal.orgId, name) : error;
    }
  }

  async delete(principal: Principal, id: string): Promise<ConnectorRecord> {
    assertPermission(principal, 'connectors:manage');
    const connector = await this.require(principal.orgId, id);
    await this.connectors.transaction(async (tx) => {
      await this.connectors.delete(principal.orgId, connector.id, tx);
      await this.audit.record(principal, { action: 'connector.deleted', targetType: 'connector', targetId: connector.id, details: { name: connector.name, type: connector.type } }, tx);
    });
    return connector;
  }

  private sealed(connector: { orgId: string; id: string }, credentials: string) {
    return { credentialsEncrypted: this.secrets.seal(credentials, sealContext(connector)), credentialsLast4: lastFour(credentials) };
  }

  private async require(orgId: string, id: string): Promise<ConnectorRecord> {
    const connector = await this.connectors.find(orgId, id);
    if (!connector) throw new NotFoundError('connector', id, 'Call list_connectors to find a valid id.');
    return connector;
  }

  private async assertNameFree(orgId: string, name: string): Promise<void> {
    const existing = await this.connectors.findByName(orgId, name);
    if (existing) throw new AlreadyExistsError('connector', name, existing.id);
  }

  private async nameClash(error: unknown, orgId: string, name: string): Promise<unknown> {
    if (!isUniqueViolation(error)) return error;
    const existing = await this.connectors.findByName(orgId, name);
    return existing ? new AlreadyExistsError('connector', name, existing.id) : error;
  }
}
