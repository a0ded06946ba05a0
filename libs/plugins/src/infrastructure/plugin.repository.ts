import { Injectable } from '@nestjs/common';
import { afterCursor, pageArgs, PrismaService, type Db, type PageRequest, type TransactionClient } from '@app/shared';

export interface PluginRecord {
  id: string;
  orgId: string;
  name: string;
  description: string;
  createdByUserId: string;
  createdAt: Date;
  updatedAt: Date;
}

const withCounts = { _count: { select: { components: true, listings: true } } } as const;

@Injectable()
export class PluginRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(orgId: string, id: string, db: Db = this.prisma): Promise<PluginRecord | null> {
    return db.plugin.findFirst({ where: { orgId, id } });
  }

  findByName(orgId: string, name: string, db: Db = this.prisma): Promise<PluginRecord | null> {
    return db.plugin.findUnique({ where: { orgId_name: { orgId, name } } });
  }

  list(orgId: string, page: PageRequest) {
    return this.prisma.plugin.findMany({ where: { orgId, ...afterCursor(page) }, include: withCounts, ...pageArgs(page) });
  }

  details(orgId: string, id: string) {
    return this.prisma.plugin.findFirst({
      where: { orgId, id },
      include: {
        ...withCounts,
        components: { orderBy: { id: 'asc' }, include: { configObject: true } },
        listings: { orderBy: { id: 'asc' }, include: { marketplace: { select: { id: true, name: true } } } },
      },
    });
  }

  create(tx: TransactionClient, data: { orgId: string; name: string; description: string; userId: string }): Promise<PluginRecord> {
    return tx.plugin.create({ data: { orgId: data.orgId, name: data.name, description: data.description, createdByUserId: data.userId } });
  }

  component(pluginId: string, configObjectId: string, db: Db = this.prisma) {
    return db.pluginComponent.findUnique({ where: { pluginId_configObjectId: { pluginId, configObjectId } } });
  }

  addComponent(tx: TransactionClient, orgId: string, pluginId: string, configObjectId: string) {
    return tx.pluginComponent.create({ data: { orgId, pluginId, configObjectId } });
  }

  async removeComponent(tx: TransactionClient, orgId: string, pluginId: string, configObjectId: string): Promise<boolean> {
    const { count } = await tx.pluginComponent.deleteMany({ where: { orgId, pluginId, configObjectId } });
    return count > 0;
  }

  /** Whether a grant with one of these roles on the plugin reaches the member (org-wide, a team of theirs, or them). */
  async hasGrantReaching(orgId: string, pluginId: string, membershipId: string, roles: ('viewer' | 'editor' | 'manager')[], db: Db = this.prisma): Promise<boolean> {
    const count = await db.accessGrant.count({
      where: {
        orgId,
        pluginId,
        role: { in: roles },
        OR: [
          { subjectType: 'org' },
          { subjectType: 'team', team: { members: { some: { membershipId } } } },
          { subjectType: 'member', membershipId },
        ],
      },
    });
    return count > 0;
  }

  async delete(tx: TransactionClient, orgId: string, id: string): Promise<void> {
    await tx.plugin.deleteMany({ where: { orgId, id } });
  }
}
