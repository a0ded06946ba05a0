import { Injectable } from '@nestjs/common';
import { afterCursor, pageArgs, PrismaService, type Db, type PageRequest, type TransactionClient } from '@app/shared';
import type { AccessRole, ResourceType, Subject } from '../domain/access.js';
import { grantsReaching } from './marketplace.repository.js';

export interface AccessGrantRecord {
  id: string;
  orgId: string;
  resourceType: string;
  pluginId: string | null;
  marketplaceId: string | null;
  subjectType: 'org' | 'team' | 'member';
  teamId: string | null;
  membershipId: string | null;
  role: AccessRole;
  createdByUserId: string;
  createdAt: Date;
  updatedAt: Date;
}

function resourceWhere(type: ResourceType, id: string) {
  return type === 'plugin' ? { resourceType: 'plugin' as const, pluginId: id } : { resourceType: 'marketplace' as const, marketplaceId: id };
}

function subjectWhere(subject: Subject) {
  switch (subject.type) {
    case 'org':
      return { subjectType: 'org' as const, teamId: null, membershipId: null };
    case 'team':
      return { subjectType: 'team' as const, teamId: subject.teamId, membershipId: null };
    case 'member':
      return { subjectType: 'member' as const, teamId: null, membershipId: subject.membershipId };
  }
}

@Injectable()
export class AccessGrantRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(orgId: string, id: string, db: Db = this.prisma): Promise<AccessGrantRecord | null> {
    return db.accessGrant.findFirst({ where: { orgId, id, resourceType: { in: ['plugin', 'marketplace'] } } });
  }

  findFor(orgId: string, resource: { type: ResourceType; id: string }, subject: Subject, db: Db = this.prisma): Promise<AccessGrantRecord | null> {
    return db.accessGrant.findFirst({ where: { orgId, ...resourceWhere(resource.type, resource.id), ...subjectWhere(subject) }, orderBy: { id: 'asc' } });
  }

  list(orgId: string, resource: { type: ResourceType; id: string }, page: PageRequest) {
    return this.prisma.accessGrant.findMany({
      where: { orgId, ...resourceWhere(resource.type, resource.id), ...afterCursor(page) },
      include: { team: { select: { name: true } } },
      ...pageArgs(page),
    });
  }

  create(tx: TransactionClient, data: { orgId: string; resource: { type: ResourceType; id: string }; subject: Subject; role: AccessRole; userId: string }) {
    return tx.accessGrant.create({
      data: { orgId: data.orgId, ...resourceWhere(data.resource.type, data.resource.id), ...subjectWhere(data.subject), role: data.role, createdByUserId: data.userId },
    }) as Promise<AccessGrantRecord>;
  }

  /** Row lock on the plugin or marketplace, so concurrent grants to one subject cannot both insert. */
  async lockResource(tx: TransactionClient, resource: { type: ResourceType; id: string }): Promise<void> {
    if (resource.type === 'plugin') await tx.$queryRaw`SELECT id FROM "Plugin" WHERE id = ${resource.id} FOR UPDATE`;
    else await tx.$queryRaw`SELECT id FROM "Marketplace" WHERE id = ${resource.id} FOR UPDATE`;
  }

  updateRole(tx: TransactionClient, id: string, role: AccessRole) {
    return tx.accessGrant.update({ where: { id }, data: { role } }) as Promise<AccessGrantRecord>;
  }

  async delete(tx: TransactionClient, orgId: string, id: string): Promise<void> {
    await tx.accessGrant.deleteMany({ where: { orgId, id } });
  }

  /** The grants on these plugins and marketplaces that reach the member, with team names for "via". */
  reaching(orgId: string, membershipId: string, resources: { pluginIds: string[]; marketplaceIds: string[] }, db: Db = this.prisma) {
    return db.accessGrant.findMany({
      where: {
        AND: [
          grantsReaching(orgId, membershipId),
          { OR: [{ pluginId: { in: resources.pluginIds } }, { marketplaceId: { in: resources.marketplaceIds } }] },
        ],
      },
      include: { team: { select: { name: true } } },
    });
  }
}
