import { Injectable } from '@nestjs/common';
import { afterCursor, containsText, pageArgs, PrismaService, type Db, type PageRequest, type TransactionClient } from '@app/shared';

export interface TeamRecord {
  id: string;
  orgId: string;
  name: string;
  description: string;
  createdAt: Date;
  updatedAt: Date;
  _count: { members: number };
}

const withCount = { _count: { select: { members: true } } } as const;

@Injectable()
export class TeamRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(orgId: string, page: PageRequest, filter: { query?: string; membershipId?: string }): Promise<TeamRecord[]> {
    const query = filter.query?.trim();
    return this.prisma.team.findMany({
      where: {
        orgId,
        ...afterCursor(page),
        ...(query ? { name: containsText(query) } : {}),
        ...(filter.membershipId ? { members: { some: { membershipId: filter.membershipId } } } : {}),
      },
      include: withCount,
      ...pageArgs(page),
    });
  }

  findById(orgId: string, id: string, db: Db = this.prisma): Promise<TeamRecord | null> {
    return db.team.findFirst({ where: { orgId, id }, include: withCount });
  }

  findByName(orgId: string, name: string, db: Db = this.prisma): Promise<TeamRecord | null> {
    return db.team.findFirst({ where: { orgId, name: { equals: name, mode: 'insensitive' } }, include: withCount });
  }

  create(tx: TransactionClient, data: { orgId: string; name: string; description: string }): Promise<TeamRecord> {
    return tx.team.create({ data, include: withCount });
  }

  update(tx: TransactionClient, id: string, data: { name?: string; description?: string }): Promise<TeamRecord> {
    return tx.team.update({ where: { id }, data, include: withCount });
  }

  delete(tx: TransactionClient, id: string) {
    return tx.team.delete({ where: { id } });
  }

  /** false when the member was already in the team. */
  async addMember(tx: TransactionClient, orgId: string, teamId: string, membershipId: string): Promise<boolean> {
    const { count } = await tx.teamMembership.createMany({ data: [{ orgId, teamId, membershipId }], skipDuplicates: true });
    return count > 0;
  }

  async removeMember(tx: TransactionClient, orgId: string, teamId: string, membershipId: string): Promise<boolean> {
    const { count } = await tx.teamMembership.deleteMany({ where: { orgId, teamId, membershipId } });
    return count > 0;
  }
}
