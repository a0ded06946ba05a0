import { Injectable } from '@nestjs/common';
import { assertPermission } from '@app/access';
import { PluginsService, type PluginRecord } from '@app/plugins';
import {
  alreadyExistsOnClash,
  AuditLog,
  decodeCursor,
  displayName,
  NotFoundError,
  pickOptionalReference,
  pickReference,
  REFERENCE,
  ReferenceResolver,
  toPage,
  TransactionRunner,
  type Page,
  type Principal,
  type TransactionClient,
} from '@app/shared';
import { NotPublishedError, strongestRole, type AccessRole } from '../domain/access.js';
import { DEFAULT_MARKETPLACE } from '../domain/marketplace.js';
import { AccessGrantRepository } from '../infrastructure/access-grant.repository.js';
import { MarketplaceRepository, type MarketplaceRecord } from '../infrastructure/marketplace.repository.js';
import { marketplacePermissions as can } from '../marketplaces.permissions.js';

export interface MarketplaceView {
  id: string;
  name: string;
  description: string;
  pluginCount: number;
  createdByUserId: string;
  createdAt: string;
}

export interface VisibleListingView {
  listingId: string;
  marketplace: { id: string; name: string };
  plugin: { id: string; name: string; description: string; componentCount: number };
  publishedAt: string;
  role: AccessRole;
  via: string[];
}

type ListingInput = { marketplace?: string; marketplaceId?: string; plugin?: string; pluginId?: string };

function marketplaceView(m: MarketplaceRecord, pluginCount: number): MarketplaceView {
  return { id: m.id, name: m.name, description: m.description, pluginCount, createdByUserId: m.createdByUserId, createdAt: m.createdAt.toISOString() };
}

@Injectable()
export class MarketplacesService {
  constructor(
    private readonly marketplaces: MarketplaceRepository,
    private readonly grants: AccessGrantRepository,
    private readonly plugins: PluginsService,
    private readonly references: ReferenceResolver,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditLog,
  ) {}

  async list(principal: Principal, input: { cursor?: string; limit?: number }): Promise<Page<MarketplaceView>> {
    assertPermission(principal, can.list_marketplaces);
    const page = decodeCursor(input);
    return toPage(await this.marketplaces.list(principal.orgId, page), page, (m) => marketplaceView(m, m._count.listings));
  }

  async create(principal: Principal, input: { name: string; description: string }): Promise<MarketplaceView> {
    assertPermission(principal, can.create_marketplace);
    const name = displayName(input.name);
    const marketplace = await alreadyExistsOnClash(
      () => this.transactions.run((tx) => this.createIn(principal, { name, description: input.description.trim() }, tx)),
      { resource: 'marketplace', name, find: () => this.marketplaces.findByName(principal.orgId, name) },
    );
    return marketplaceView(marketplace, 0);
  }

  async publish(principal: Principal, input: ListingInput) {
    assertPermission(principal, can.publish_plugin);
    const marketplace = await this.require(principal.orgId, pickReference(input, 'marketplace', 'marketplaceId'));
    const plugin = await this.plugins.require(principal.orgId, pickReference(input, 'plugin', 'pluginId'));
    const { listing, created } = await this.transactions.run((tx) => this.ensureListing(principal, marketplace, plugin, tx));
    return { marketplaceId: marketplace.id, pluginId: plugin.id, publishedAt: listing.publishedAt.toISOString(), alreadyPublished: !created };
  }

  async unpublish(principal: Principal, input: ListingInput) {
    assertPermission(principal, can.unpublish_plugin);
    const marketplace = await this.require(principal.orgId, pickReference(input, 'marketplace', 'marketplaceId'));
    const plugin = await this.plugins.require(principal.orgId, pickReference(input, 'plugin', 'pluginId'));
    await this.transactions.run(async (tx) => {
      if (!(await this.marketplaces.removeListing(tx, principal.orgId, marketplace.id, plugin.id))) throw new NotPublishedError(marketplace.id, plugin.id);
      await this.audit.record(principal, { action: 'marketplace.plugin_unpublished', targetType: 'marketplace', targetId: marketplace.id, details: { pluginId: plugin.id, pluginName: plugin.name } }, tx);
    });
    return { marketplaceId: marketplace.id, pluginId: plugin.id, unpublished: true as const };
  }

  /**
   * What the caller may see and install: listings whose plugin or marketplace has a grant reaching
   * them (org-wide, one of their teams, or them), plus plugins they created. Admins see everything.
   */
  async visiblePlugins(principal: Principal, input: { marketplace?: string; marketplaceId?: string; cursor?: string; limit?: number }): Promise<Page<VisibleListingView>> {
    assertPermission(principal, can.list_marketplace_plugins);
    const page = decodeCursor(input);
    const reference = pickOptionalReference(input, 'marketplace', 'marketplaceId');
    const marketplace = reference === undefined ? undefined : await this.require(principal.orgId, reference);
    const seesAll = principal.permissions.has('marketplaces:manage');
    const rows = await this.marketplaces.listings(principal.orgId, page, {
      marketplaceId: marketplace?.id,
      visibleTo: seesAll ? undefined : { membershipId: principal.membershipId, userId: principal.userId },
    });
    const grants = await this.grants.reaching(principal.orgId, principal.membershipId, {
      pluginIds: rows.map((r) => r.pluginId),
      marketplaceIds: rows.map((r) => r.marketplaceId),
    });
    return toPage(rows, page, (row) => {
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
        publishedAt: row.publishedAt.toISOString(),
        role: strongestRole(roles) ?? 'viewer',
        via: [...new Set(via)],
      };
    });
  }

  /** A marketplace of the caller's organization by name or id, or ambiguous_reference / not_found. */
  async require(orgId: string, reference: string, db?: TransactionClient): Promise<MarketplaceRecord> {
    const { id } = await this.references.resolve(orgId, REFERENCE.marketplace, reference, {}, db);
    const marketplace = await this.marketplaces.find(orgId, id, db);
    if (!marketplace) throw new NotFoundError('marketplace', reference, 'Call list_marketplaces to find a valid id.');
    return marketplace;
  }

  // The two steps below are also steps of share_skill; the use case that runs them has checked its permission.

  /** The organization's first marketplace, created when it has none. */
  async ensureDefault(principal: Principal, tx: TransactionClient) {
    const existing = await this.marketplaces.oldest(principal.orgId, tx);
    if (existing) return { marketplace: existing, created: false };
    return { marketplace: await this.createIn(principal, DEFAULT_MARKETPLACE, tx), created: true };
  }

  async ensureListing(principal: Principal, marketplace: MarketplaceRecord, plugin: PluginRecord, tx: TransactionClient) {
    const existing = await this.marketplaces.listing(marketplace.id, plugin.id, tx);
    if (existing) return { listing: existing, created: false };
    const listing = await this.marketplaces.addListing(tx, { orgId: principal.orgId, marketplaceId: marketplace.id, pluginId: plugin.id, userId: principal.userId });
    await this.audit.record(principal, { action: 'marketplace.plugin_published', targetType: 'marketplace', targetId: marketplace.id, details: { pluginId: plugin.id, pluginName: plugin.name } }, tx);
    return { listing, created: true };
  }

  private async createIn(principal: Principal, data: { name: string; description: string }, tx: TransactionClient) {
    const marketplace = await this.marketplaces.create(tx, { orgId: principal.orgId, ...data, userId: principal.userId });
    await this.audit.record(principal, { action: 'marketplace.created', targetType: 'marketplace', targetId: marketplace.id, details: { name: marketplace.name } }, tx);
    return marketplace;
  }
}
