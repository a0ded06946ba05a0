import { Injectable } from '@nestjs/common';
import { assertPermission } from '@app/access';
import { alreadyExistsOnClash, AuditLog, decodeCursor, NotFoundError, pickReference, REFERENCE, ReferenceResolver, toPage, TransactionRunner, type Page, type Principal, type TransactionClient } from '@app/shared';
import { ConfigObjectsService, type ConfigObjectRecord, type ConfigObjectType } from '@app/skills';
import { assertPluginName, ComponentNotAttachedError, PluginEditDeniedError } from '../domain/plugin.js';
import { PluginRepository, type PluginRecord } from '../infrastructure/plugin.repository.js';
import { pluginPermissions as can } from '../plugins.permissions.js';

export interface PluginSummary {
  id: string;
  name: string;
  description: string;
  componentCount: number;
  marketplaceCount: number;
  createdByUserId: string;
  createdAt: string;
  updatedAt: string;
}

export interface PluginDetail extends PluginSummary {
  components: { configObjectId: string; type: string; name: string; description: string; latestVersion: number; addedAt: string }[];
  marketplaces: { marketplaceId: string; name: string; publishedAt: string }[];
}

type PluginInput = { plugin?: string; pluginId?: string };
type ComponentInput = PluginInput & { configObject?: string; configObjectId?: string; type?: ConfigObjectType };

type WithCounts = PluginRecord & { _count: { components: number; listings: number } };

function summaryView(p: WithCounts): PluginSummary {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    componentCount: p._count.components,
    marketplaceCount: p._count.listings,
    createdByUserId: p.createdByUserId,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

@Injectable()
export class PluginsService {
  constructor(
    private readonly plugins: PluginRepository,
    private readonly configObjects: ConfigObjectsService,
    private readonly references: ReferenceResolver,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditLog,
  ) {}

  async list(principal: Principal, input: { cursor?: string; limit?: number }): Promise<Page<PluginSummary>> {
    assertPermission(principal, can.list_plugins);
    const page = decodeCursor(input);
    return toPage(await this.plugins.list(principal.orgId, page), page, summaryView);
  }

  async get(principal: Principal, input: PluginInput): Promise<PluginDetail> {
    assertPermission(principal, can.get_plugin);
    const { id } = await this.require(principal.orgId, pickReference(input, 'plugin', 'pluginId'));
    const p = await this.plugins.details(principal.orgId, id);
    if (!p) throw notFound(id);
    return {
      ...summaryView(p),
      components: p.components.map((c) => ({
        configObjectId: c.configObjectId,
        type: c.configObject.type,
        name: c.configObject.name,
        description: c.configObject.description,
        latestVersion: c.configObject.latestVersion,
        addedAt: c.createdAt.toISOString(),
      })),
      marketplaces: p.listings.map((l) => ({ marketplaceId: l.marketplace.id, name: l.marketplace.name, publishedAt: l.publishedAt.toISOString() })),
    };
  }

  async create(principal: Principal, input: { name: string; description: string }): Promise<PluginSummary> {
    assertPermission(principal, can.create_plugin);
    const name = assertPluginName(input.name);
    const plugin = await alreadyExistsOnClash(
      () => this.transactions.run((tx) => this.createIn(principal, { name, description: input.description.trim() }, tx)),
      { resource: 'plugin', name, find: () => this.plugins.findByName(principal.orgId, name) },
    );
    return summaryView({ ...plugin, _count: { components: 0, listings: 0 } });
  }

  async addComponent(principal: Principal, input: ComponentInput) {
    assertPermission(principal, can.add_plugin_component);
    const plugin = await this.require(principal.orgId, pickReference(input, 'plugin', 'pluginId'));
    const object = await this.component(principal.orgId, input);
    await this.assertMayEdit(principal, plugin);
    const { created } = await this.transactions.run((tx) => this.ensureComponent(principal, plugin, object, tx));
    return { pluginId: plugin.id, configObjectId: object.id, alreadyAttached: !created };
  }

  async removeComponent(principal: Principal, input: ComponentInput) {
    assertPermission(principal, can.remove_plugin_component);
    const plugin = await this.require(principal.orgId, pickReference(input, 'plugin', 'pluginId'));
    const object = await this.component(principal.orgId, input);
    await this.assertMayEdit(principal, plugin);
    await this.transactions.run(async (tx) => {
      if (!(await this.plugins.removeComponent(tx, principal.orgId, plugin.id, object.id))) {
        throw new ComponentNotAttachedError(plugin.id, object.id);
      }
      await this.audit.record(principal, { action: 'plugin.component_removed', targetType: 'plugin', targetId: plugin.id, details: { configObjectId: object.id } }, tx);
    });
    return { pluginId: plugin.id, configObjectId: object.id, removed: true as const };
  }

  async delete(principal: Principal, input: PluginInput): Promise<{ deleted: true; id: string; name: string }> {
    assertPermission(principal, can.delete_plugin);
    const plugin = await this.require(principal.orgId, pickReference(input, 'plugin', 'pluginId'));
    await this.assertMayEdit(principal, plugin);
    await this.transactions.run(async (tx) => {
      await this.plugins.delete(tx, principal.orgId, plugin.id);
      await this.audit.record(principal, { action: 'plugin.deleted', targetType: 'plugin', targetId: plugin.id, details: { name: plugin.name } }, tx);
    });
    return { deleted: true, id: plugin.id, name: plugin.name };
  }

  // A plugin is changed by its creator, by whoever holds an editor or manager grant on it, or by an admin.
  private async assertMayEdit(principal: Principal, plugin: PluginRecord, db?: TransactionClient): Promise<void> {
    if (principal.permissions.has('marketplaces:manage') || plugin.createdByUserId === principal.userId) return;
    if (await this.plugins.hasGrantReaching(principal.orgId, plugin.id, principal.membershipId, ['editor', 'manager'], db)) return;
    throw new PluginEditDeniedError(plugin.id, principal.role);
  }

  /** A plugin of the caller's organization by name or id, or ambiguous_reference / not_found (also for other contexts). */
  async require(orgId: string, reference: string, db?: TransactionClient): Promise<PluginRecord> {
    const { id } = await this.references.resolve(orgId, REFERENCE.plugin, reference, {}, db);
    const plugin = await this.plugins.find(orgId, id, db);
    if (!plugin) throw notFound(reference);
    return plugin;
  }

  /** The skill or config object a component reference names (for describing a change before it is made). */
  componentOf(orgId: string, input: ComponentInput): Promise<ConfigObjectRecord> {
    return this.component(orgId, input);
  }

  private component(orgId: string, input: ComponentInput): Promise<ConfigObjectRecord> {
    return this.configObjects.findForOrg(orgId, { reference: pickReference(input, 'configObject', 'configObjectId'), type: input.type });
  }

  // The two steps below are also steps of share_skill; the use case that runs them has checked its permission.

  /** The plugin with that name, created (and audited) inside tx when missing. */
  async ensure(principal: Principal, input: { name: string; description: string }, tx: TransactionClient) {
    const existing = await this.plugins.findByName(principal.orgId, assertPluginName(input.name), tx);
    if (existing) return { plugin: existing, created: false };
    return { plugin: await this.createIn(principal, input, tx), created: true };
  }

  /** Attaches the config object unless it already is a component (audited when it changes something). */
  async ensureComponent(principal: Principal, plugin: PluginRecord, object: ConfigObjectRecord, tx: TransactionClient) {
    if (await this.plugins.component(plugin.id, object.id, tx)) return { created: false };
    await this.assertMayEdit(principal, plugin, tx);
    await this.plugins.addComponent(tx, principal.orgId, plugin.id, object.id);
    await this.audit.record(principal, {
      action: 'plugin.component_added',
      targetType: 'plugin',
      targetId: plugin.id,
      details: { configObjectId: object.id, type: object.type, name: object.name },
    }, tx);
    return { created: true };
  }

  private async createIn(principal: Principal, input: { name: string; description: string }, tx: TransactionClient): Promise<PluginRecord> {
    const plugin = await this.plugins.create(tx, { orgId: principal.orgId, name: input.name, description: input.description, userId: principal.userId });
    await this.audit.record(principal, { action: 'plugin.created', targetType: 'plugin', targetId: plugin.id, details: { name: plugin.name } }, tx);
    return plugin;
  }
}

function notFound(id: string) {
  return new NotFoundError('plugin', id, 'Call list_plugins to find a valid id.');
}
