import { Injectable } from '@nestjs/common';
import { afterCursor, pageArgs, PrismaService, type PageRequest, type TransactionClient, isUniqueViolation } from '@app/shared';

type Db = PrismaService | TransactionClient;

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

  transaction<T>(fn: (tx: TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

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

  create(data: { orgId: string; name: string; description: string; userId: string }, db: Db): Promise<MarketplaceRecord> {
    return db.marketplace.create({ data: { orgId: data.orgId, name: data.name, description: data.description, createdByUserId: data.userId } });
  }

  listing(marketplaceId: string, pluginId: string, db: Db = this.prisma) {
    return db.marketplacePlugin.findUnique({ where: { marketplaceId_pluginId: { marketplaceId, pluginId } } });
  }

  addListing(data: { orgId: string; marketplaceId: string; pluginId: string; userId: string }, db: Db) {
    return db.marketplacePlugin.create({
      data: { orgId: data.orgId, marketplaceId: data.marketplaceId, pluginId: data.pluginId, publishedByUserId: data.userId },
    });
  }

  async removeListing(orgId: string, marketplaceId: string, pluginId: string, db: Db): Promise<boolean> {
    const { count } = await db.marketplacePlugin.deleteMany({ where: { orgId, marketplaceId, pluginId } });
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
