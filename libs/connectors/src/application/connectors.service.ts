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
import { connectorPermissions as can } from '../connectors.permissions.js';
import { assertConnectorType, assertNoSecretsInConfig } from '../domain/connector.js';
import { ConnectorRepository, type ConnectorRecord } from '../infrastructure/connector.repository.js';

export interface ConnectorView {
  id: string;
  name: string;
  type: string;
  config: Record<string, unknown>;
  hasCredentials: boolean;
  credentialsLast4: string | null;
  createdByUserId: string;
  createdAt: string;
  updatedAt: string;
}

// The one mapping from a row to what callers see: the ciphertext never leaves it.
function connectorView(c: ConnectorRecord): ConnectorView {
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

// The ciphertext is bound to the row, so a sealed value copied to another connector does not open.
const sealContext = (c: { orgId: string; id: string }) => `connector:${c.orgId}:${c.id}:credentials`;

type ConnectorInput = { connector?: string; connectorId?: string };

const CONNECTOR_REFERENCE = tableReference('Connector', 'connector', 'list_connectors');

@Injectable()
export class ConnectorsService {
  constructor(
    private readonly references: ReferenceResolver,
    private readonly connectors: ConnectorRepository,
    private readonly transactions: TransactionRunner,
    private readonly secrets: SecretBox,
    private readonly audit: AuditLog,
  ) {}

  async list(principal: Principal, input: { type?: string; cursor?: string; limit?: number }): Promise<Page<ConnectorView>> {
    assertPermission(principal, can.list_connectors);
    const page = decodeCursor(input);
    return toPage(await this.connectors.list(principal.orgId, page, input.type), page, connectorView);
  }

  async get(principal: Principal, input: ConnectorInput): Promise<ConnectorView> {
    assertPermission(principal, can.get_connector);
    return connectorView(await this.require(principal.orgId, input));
  }

  async create(principal: Principal, input: { name: string; type: string; config: Record<string, unknown>; credentials?: string }): Promise<ConnectorView> {
    assertPermission(principal, can.create_connector);
    const name = displayName(input.name);
    const type = assertConnectorType(input.type);
    assertNoSecretsInConfig(input.config);
    const connector = await alreadyExistsOnClash(
      () =>
        this.transactions.run(async (tx) => {
          let created = await this.connectors.create(tx, { orgId: principal.orgId, name, type, config: input.config, userId: principal.userId });
          if (input.credentials !== undefined) created = await this.connectors.update(tx, principal.orgId, created.id, this.sealed(created, input.credentials));
          await this.audit.record(principal, { action: 'connector.created', targetType: 'connector', targetId: created.id, details: { name, type, hasCredentials: input.credentials !== undefined } }, tx);
          return created;
        }),
      this.clash(principal.orgId, name),
    );
    return connectorView(connector);
  }

  async update(
    principal: Principal,
    input: ConnectorInput & { name?: string; config?: Record<string, unknown>; credentials?: string | null },
  ): Promise<ConnectorView> {
    assertPermission(principal, can.update_connector);
    const { connector: _noun, connectorId: _id, ...changes } = input;
    const current = await this.require(principal.orgId, input);
    const name = changes.name === undefined ? undefined : displayName(changes.name);
    if (changes.config) assertNoSecretsInConfig(changes.config);
    const credentials =
      changes.credentials === undefined ? {} : changes.credentials === null ? { credentialsEncrypted: null, credentialsLast4: null } : this.sealed(current, changes.credentials);
    const updated = await alreadyExistsOnClash(
      () =>
        this.transactions.run(async (tx) => {
          const row = await this.connectors.update(tx, principal.orgId, current.id, { name, config: changes.config, ...credentials });
          await this.audit.record(principal, {
            action: 'connector.updated',
            targetType: 'connector',
            targetId: current.id,
            details: {
              fields: Object.keys(changes).filter((k) => changes[k as keyof typeof changes] !== undefined),
              credentials: secretChange(changes.credentials),
            },
          }, tx);
          return row;
        }),
      name === undefined ? null : this.clash(principal.orgId, name),
    );
    return connectorView(updated);
  }

  async delete(principal: Principal, input: ConnectorInput): Promise<{ deleted: true; id: string; name: string }> {
    assertPermission(principal, can.delete_connector);
    const connector = await this.require(principal.orgId, input);
    await this.transactions.run(async (tx) => {
      await this.connectors.delete(tx, principal.orgId, connector.id);
      await this.audit.record(principal, { action: 'connector.deleted', targetType: 'connector', targetId: connector.id, details: { name: connector.name, type: connector.type } }, tx);
    });
    return { deleted: true, id: connector.id, name: connector.name };
  }

  private sealed(connector: { orgId: string; id: string }, credentials: string) {
    return { credentialsEncrypted: this.secrets.seal(credentials, sealContext(connector)), credentialsLast4: lastFour(credentials) };
  }

  private async require(orgId: string, input: ConnectorInput): Promise<ConnectorRecord> {
    const { id } = await this.references.resolve(orgId, CONNECTOR_REFERENCE, pickReference(input, 'connector', 'connectorId'));
    const connector = await this.connectors.find(orgId, id);
    if (!connector) throw new NotFoundError('connector', id);
    return connector;
  }

  private clash(orgId: string, name: string) {
    return { resource: 'connector', name, find: () => this.connectors.findByName(orgId, name) };
  }
}
