import { Injectable } from '@nestjs/common';
import { afterCursor, pageArgs, PrismaService, type Db, type PageRequest, type TransactionClient } from '@app/shared';

export interface MarketplaceRecord {
  id: string;
  orgId: string;
  name: string;
  description: string;
  createdByUserId: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Grants that reach a member: org-wide, through one of their teams, or to them directly. */
export function grantsReaching(orgId: string, membershipId: string) {
  return {
    orgId,
    OR: [
      { subjectType: 'org' as const },
      { subjectType: 'team' as const, team: { members: { some: { membershipId } } } },
      { subjectType: 'member' as const, membershipId },
    ],
  };
}

@Injectable()
export class MarketplaceRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(orgId: string, id: string, db: Db = this.prisma): Promise<MarketplaceRecord | null> {
    return db.marketplace.findFirst({ where: { orgId, id } });
  }

  findByName(orgId: string, name: string, db: Db = this.prisma): Promise<MarketplaceRecord | null> {
    return db.marketplace.findUnique({ where: { orgId_name: { orgId, name } } });
  }

  oldest(orgId: string, db: Db): Promise<MarketplaceRecord | null> {
    return db.marketplace.findFirst({ where: { orgId }, orderBy: { id: 'asc' } });
  }

  list(orgId: string, page: PageRequest) {
    return this.prisma.marketplace.findMany({
      where: { orgId, ...afterCursor(page) },
      include: { _count: { select: { listings: true } } },
      ...pageArgs(page),
    });
  }

  create(tx: TransactionClient, data: { orgId: string; name: string; description: string; userId: string }): Promise<MarketplaceRecord> {
    return tx.marketplace.create({ data: { orgId: data.orgId, name: data.name, description: data.description, createdByUserId: data.userId } });
  }

  listing(marketplaceId: string, pluginId: string, db: Db = this.prisma) {
    return db.marketplacePlugin.findUnique({ where: { marketplaceId_pluginId: { marketplaceId, pluginId } } });
  }

  addListing(tx: TransactionClient, data: { orgId: string; marketplaceId: string; pluginId: string; userId: string }) {
    return tx.marketplacePlugin.create({
      data: { orgId: data.orgId, marketplaceId: data.marketplaceId, pluginId: data.pluginId, publishedByUserId: data.userId },
    });
  }

  async removeListing(tx: TransactionClient, orgId: string, marketplaceId: string, pluginId: string): Promise<boolean> {
    const { count } = await tx.marketplacePlugin.deleteMany({ where: { orgId, marketplaceId, pluginId } });
    return count > 0;
  }

  /**
   * Published plugins, one page. With a membership, only listings whose plugin or marketplace has a
   * grant reaching that member, or whose plugin they created; without one, every listing.
   */
  listings(orgId: string, page: PageRequest, filter: { marketplaceId?: string; visibleTo?: { membershipId: string; userId: string } }) {
    const reach = filter.visibleTo ? grantsReaching(orgId, filter.visibleTo.membershipId) : null;
    return this.prisma.marketplacePlugin.findMany({
      where: {
        orgId,
        ...(filter.marketplaceId ? { marketplaceId: filter.marketplaceId } : {}),
        ...afterCursor(page),
        ...(reach && filter.visibleTo
          ? {
              OR: [
                { plugin: { accessGrants: { some: reach } } },
                { marketplace: { accessGrants: { some: reach } } },
                { plugin: { createdByUserId: filter.visibleTo.userId } },
              ],
            }
          : {}),
      },
      include: {
        marketplace: { select: { id: true, name: true } },
        plugin: { select: { id: true, name: true, description: true, createdByUserId: true, _count: { select: { components: true } } } },
      },
      ...pageArgs(page),
    });
  }
}
