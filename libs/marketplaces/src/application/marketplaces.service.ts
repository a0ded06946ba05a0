import { Injectable } from '@nestjs/common';
import { assertPermission } from '@app/access';
import { PluginsService, type PluginRecord } from '@app/plugins';
import { AlreadyExistsError, AuditLog, NotFoundError, type PageRequest, type Principal, type TransactionClient, isUniqueViolation } from '@app/shared';
import { NotPublishedError, strongestRole, type AccessRole } from '../domain/access.js';
import { DEFAULT_MARKETPLACE, normalizeMarketplaceName } from '../domain/marketplace.js';
import { AccessGrantRepository } from '../infrastructure/access-grant.repository.js';
import { MarketplaceRepository, type MarketplaceRecord } from '../infrastructure/marketplace.repository.js';

export interface VisibleListing {
  listingId: string;
  marketplace: { id: string; name: string };
  plugin: { id: string; name: string; description: string; componentCount: number };
  publishedAt: Date;
  role: AccessRole;
  via: string[];
}

@Injectable()
export class MarketplacesService {
  constructor(
    private readonly marketplaces: MarketplaceRepository,
    private readonly grants: AccessGrantRepository,
    private readonly plugins: PluginsService,
    private readonly audit: AuditLog,
  ) {}

  list(principal: Principal, page: PageRequest) {
    assertPermission(principal, 'catalog:read');
    return this.marketplaces.list(principal.orgId, page);
  }

  async create(principal: Principal, input: { name: string; description: string }): Promise<MarketplaceRecord> {
    assertPermission(principal, 'marketplaces:manage');
    const name = normalizeMarketplaceName(input.name);
    const existing = await this.marketplaces.findByName(principal.orgId, name);
    if (existing) throw new AlreadyExistsError('marketplace', name, existing.id);
    try {
      return await this.marketplaces.transaction((tx) => this.createIn(principal, { name, description: input.description.trim() }, tx));
    } catch (error) {
      const clash = isUniqueViolation(error) ? await this.marketplaces.findByName(principal.orgId, name) : null;
      throw clash ? new AlreadyExistsError('marketplace', name, clash.id) : error;
    }
  }

  async publish(principal: Principal, marketplaceId: string, pluginId: string) {
    assertPermission(principal, 'marketplaces:manage');
    const marketplace = await this.require(principal.orgId, marketplaceId);
    const plugin = await this.plugins.require(principal.orgId, pluginId);
    const { listing, created } = await this.marketplaces.transaction((tx) => this.ensureListing(principal, marketplace, plugin, tx));
    return { marketplace, plugin, publishedAt: listing.publishedAt, alreadyPublished: !created };
  }

  async unpublish(principal: Principal, marketplaceId: string, pluginId: string) {
    assertPermission(principal, 'marketplaces:manage');
    const marketplace = await this.require(principal.orgId, marketplaceId);
    const plugin = await this.plugins.require(principal.orgId, pluginId);
    await this.marketplaces.transaction(async (tx) => {
      if (!(await this.marketplaces.removeListing(principal.orgId, marketplace.id, plugin.id, tx))) throw new NotPublishedError(marketplace.id, plugin.id);
      await this.audit.record(principal, { action: 'marketplace.plugin_unpublished', targetType: 'marketplace', targetId: marketplace.id, details: { pluginId: plugin.id, pluginName: plugin.name } }, tx);
    });
    return { marketplace, plugin };
  }

  /**
   * What the caller may see and install: listings whose plugin or marketplace has a grant reaching
   * them (org-wide, one of their teams, or them), plus plugins they created. Admins see everything.
   */
  async visiblePlugins(principal: Principal, page: PageRequest, marketplaceId?: string): Promise<{ rows: { id: string }[]; items: VisibleListing[] }> {
    assertPermission(principal, 'catalog:read');
    if (marketplaceId) await this.require(principal.orgId, marketplaceId);
    const seesAll = principal.permissions.has('marketplaces:manage');
    const rows = await this.marketplaces.listings(principal.orgId, page, {
      marketplaceId,
      visibleTo: seesAll ? undefined : { membershipId: principal.membershipId, userId: principal.userId },
    });
    const grants = await this.grants.reaching(principal.orgId, principal.membershipId, {
      pluginIds: rows.map((r) => r.pluginId),
      marketplaceIds: rows.map((r) => r.marketplaceId),
    });
    const items = rows.map((row) => {
      const applicable = grants.filter((g) => g.pluginId === row.pluginId || g.marketplaceId === row.marketplaceId);
      const roles: AccessRole[] = applicable.map((g) => g.role);
      const via = applicable.map((g) => {
        const on = g.pluginId ? 'plugin' : 'marketplace';
        return g.subjectType === 'team' ? `${on} grant to team "${g.team?.name}"` : g.subjectType === 'org' ? `${on} grant to the organization` : `${on} grant to you`;
      });
      if (row.plugin.createdByUserId === principal.userId) {
        roles.push('manager');
        via.push('you created the plugin');
      }
      if (seesAll) {
        roles.push('manager');
        via.push('your role can manage marketplaces');
      }
      return {
        listingId: row.id,
        marketplace: row.marketplace,
        plugin: { id: row.plugin.id, name: row.plugin.name, description: row.plugin.description, componentCount: row.plugin._count.components },
        publishedAt: row.publishedAt,
        role: strongestRole(roles) ?? 'viewer',
        via: [...new Set(via)],
      };
    });
    return { rows, items };
  }

  async require(orgId: string, id: string, db?: TransactionClient): Promise<MarketplaceRecord> {
    const marketplace = await this.marketplaces.find(orgId, id, db);
    if (!marketplace) throw new NotFoundError('marketplace', id, 'Call list_marketplaces to find a valid id.');
    return marketplace;
  }

  /** The organization's first marketplace, created when it has none (share_skill). */
  async ensureDefault(principal: Principal, tx: TransactionClient) {
    const existing = await this.marketplaces.oldest(principal.orgId, tx);
    if (existing) return { marketplace: existing, created: false };
    return { marketplace: await this.createIn(principal, DEFAULT_MARKETPLACE, tx), created: true };
  }

  async ensureListing(principal: Principal, marketplace: MarketplaceRecord, plugin: PluginRecord, tx: TransactionClient) {
    assertPermission(principal, 'marketplaces:manage');
    const existing = await this.marketplaces.listing(marketplace.id, plugin.id, tx);
    if (existing) return { listing: existing, created: false };
    const listing = await this.marketplaces.addListing({ orgId: principal.orgId, marketplaceId: marketplace.id, pluginId: plugin.id, userId: principal.userId }, tx);
    await this.audit.record(principal, { action: 'marketplace.plugin_published', targetType: 'marketplace', targetId: marketplace.id, details: { pluginId: plugin.id, pluginName: plugin.name } }, tx);
    return { listing, created: true };
  }

  private async createIn(principal: Principal, data: { name: string; description: string }, tx: TransactionClient) {
    assertPermission(principal, 'marketplaces:manage');
    const marketplace = await this.marketplaces.create({ orgId: principal.orgId, ...data, userId: principal.userId }, tx);
    await this.audit.record(principal, { action: 'marketplace.created', targetType: 'marketplace', targetId: marketplace.id, details: { name: marketplace.name } }, tx);
    return marketplace;
  }
}
