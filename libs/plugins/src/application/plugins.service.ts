import { Injectable } from '@nestjs/common';
import { assertPermission } from '@app/access';
import { AlreadyExistsError, AuditLog, NotFoundError, type PageRequest, type Principal, type TransactionClient, isUniqueViolation } from '@app/shared';
import { ConfigObjectsService, type ConfigObjectRecord } from '@app/skills';
import { assertPluginName, ComponentNotAttachedError, PluginEditDeniedError } from '../domain/plugin.js';
import { PluginRepository, type PluginRecord } from '../infrastructure/plugin.repository.js';

@Injectable()
export class PluginsService {
  constructor(
    private readonly plugins: PluginRepository,
    private readonly configObjects: ConfigObjectsService,
    private readonly audit: AuditLog,
  ) {}

  list(principal: Principal, page: PageRequest) {
    assertPermission(principal, 'catalog:read');
    return this.plugins.list(principal.orgId, page);
  }

  async get(principal: Principal, id: string) {
    assertPermission(principal, 'catalog:read');
    const plugin = await this.plugins.details(principal.orgId, id);
    if (!plugin) throw notFound(id);
    return plugin;
  }

  async create(principal: Principal, input: { name: string; description: string }): Promise<PluginRecord> {
    assertPermission(principal, 'catalog:write');
    const name = assertPluginName(input.name);
    const existing = await this.plugins.findByName(principal.orgId, name);
    if (existing) throw new AlreadyExistsError('plugin', name, existing.id);
    try {
      return await this.plugins.transaction(async (tx) => (await this.ensure(principal, { name, description: input.description.trim() }, tx)).plugin);
    } catch (error) {
      const clash = isUniqueViolation(error) ? await this.plugins.findByName(principal.orgId, name) : null;
      throw clash ? new AlreadyExistsError('plugin', name, clash.id) : error;
    }
  }

  async addComponent(principal: Principal, pluginId: string, configObjectId: string) {
    assertPermission(principal, 'catalog:write');
    const plugin = await this.require(principal.orgId, pluginId);
    const object = await this.configObjects.findForOrg(principal.orgId, configObjectId);
    await this.assertMayEdit(principal, plugin);
    const { created } = await this.plugins.transaction((tx) => this.ensureComponent(principal, plugin, object, tx));
    return { plugin, object, alreadyAttached: !created };
  }

  async removeComponent(principal: Principal, pluginId: string, configObjectId: string) {
    assertPermission(principal, 'catalog:write');
    const plugin = await this.require(principal.orgId, pluginId);
    await this.assertMayEdit(principal, plugin);
    await this.plugins.transaction(async (tx) => {
      if (!(await this.plugins.removeComponent(principal.orgId, plugin.id, configObjectId, tx))) {
        throw new ComponentNotAttachedError(plugin.id, configObjectId);
      }
      await this.audit.record(principal, { action: 'plugin.component_removed', targetType: 'plugin', targetId: plugin.id, details: { configObjectId } }, tx);
    });
    return plugin;
  }

  async delete(principal: Principal, id: string): Promise<PluginRecord> {
    assertPermission(principal, 'catalog:write');
    const plugin = await this.require(principal.orgId, id);
    await this.assertMayEdit(principal, plugin);
    await this.plugins.transaction(async (tx) => {
      await this.plugins.delete(principal.orgId, plugin.id, tx);
      await this.audit.record(principal, { action: 'plugin.deleted', targetType: 'plugin', targetId: plugin.id, details: { name: plugin.name } }, tx);
    });
    return plugin;
  }

  // A plugin is changed by its creator, by whoever holds an editor or manager grant on it, or by an admin.
  private async assertMayEdit(principal: Principal, plugin: PluginRecord, db?: TransactionClient): Promise<void> {
    if (principal.permissions.has('marketplaces:manage') || plugin.createdByUserId === principal.userId) return;
    if (await this.plugins.hasGrantReaching(principal.orgId, plugin.id, principal.membershipId, ['editor', 'manager'], db)) return;
    throw new PluginEditDeniedError(plugin.id, principal.role);
  }

  /** A plugin of the caller's organization, or not_found (also for other contexts). */
  async require(orgId: string, id: string, db?: TransactionClient): Promise<PluginRecord> {
    const plugin = await this.plugins.find(orgId, id, db);
    if (!plugin) throw notFound(id);
    return plugin;
  }

  /** The plugin with that name, created (and audited) inside tx when missing. */
  async ensure(principal: Principal, input: { name: string; description: string }, tx: TransactionClient) {
    assertPermission(principal, 'catalog:write');
    const existing = await this.plugins.findByName(principal.orgId, assertPluginName(input.name), tx);
    if (existing) return { plugin: existing, created: false };
    const plugin = await this.plugins.create({ orgId: principal.orgId, name: input.name, description: input.description, userId: principal.userId }, tx);
    await this.audit.record(principal, { action: 'plugin.created', targetType: 'plugin', targetId: plugin.id, details: { name: plugin.name } }, tx);
    return { plugin, created: true };
  }

  /** Attaches the config object unless it already is a component (audited when it changes something). */
  async ensureComponent(principal: Principal, plugin: PluginRecord, object: ConfigObjectRecord, tx: TransactionClient) {
    assertPermission(principal, 'catalog:write');
    if (await this.plugins.component(plugin.id, object.id, tx)) return { created: false };
    await this.assertMayEdit(principal, plugin, tx);
    await this.plugins.addComponent(principal.orgId, plugin.id, object.id, tx);
    await this.audit.record(principal, {
      action: 'plugin.component_added',
      targetType: 'plugin',
      targetId: plugin.id,
      details: { configObjectId: object.id, type: object.type, name: object.name },
    }, tx);
    return { created: true };
  }
}

function notFound(id: string) {
  return new NotFoundError('plugin', id, 'Call list_plugins to find a valid id.');
}
