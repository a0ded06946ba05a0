import { Injectable } from '@nestjs/common';
import { afterCursor, pageArgs, PrismaService, type PageRequest, type TransactionClient, type Db } from '@app/shared';

export interface MemberRecord {
  id: string;
  orgId: string;
  userId: string;
  role: string;
  createdAt: Date;
  user: { email: string; name: string };
}

const withUser = { user: { select: { email: true, name: true } } } as const;

export interface MemberFilter {
  role?: string;
  teamId?: string;
  query?: string;
}

@Injectable()
export class MembershipRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(orgId: string, userId: string, db: Db = this.prisma) {
    return db.membership.findUnique({ where: { orgId_userId: { orgId, userId } } });
  }

  create(orgId: string, userId: string, role: string, db: Db = this.prisma) {
    return db.membership.create({ data: { orgId, userId, role } });
  }

  customRoleKeys(orgId: string): Promise<string[]> {
    return this.prisma.role.findMany({ where: { orgId }, select: { key: true } }).then((rows) => rows.map((r) => r.key));
  }

  // Keyset page on the (orgId, id) index; the optional filters narrow it without changing the order.
  list(orgId: string, page: PageRequest, filter: MemberFilter): Promise<MemberRecord[]> {
    const query = filter.query?.trim();
    return this.prisma.membership.findMany({
      where: {
        orgId,
        ...afterCursor(page),
        ...(filter.role ? { role: filter.role } : {}),
        ...(filter.teamId ? { teams: { some: { teamId: filter.teamId } } } : {}),
        ...(query
          ? { user: { OR: [{ email: { contains: query, mode: 'insensitive' } }, { name: { contains: query, mode: 'insensitive' } }] } }
          : {}),
      },
      include: withUser,
      ...pageArgs(page),
    });
  }

  findById(orgId: string, id: string, db: Db = this.prisma): Promise<MemberRecord | null> {
    return db.membership.findFirst({ where: { orgId, id }, include: withUser });
  }

  /** Active members whose name or email contains the text, exact matches first. */
  search(orgId: string, query: string, limit: number): Promise<MemberRecord[]> {
    const text = { contains: query, mode: 'insensitive' as const };
    return this.prisma.membership.findMany({
      where: { orgId, user: { OR: [{ email: text }, { name: text }] } },
      include: withUser,
      orderBy: { id: 'asc' },
      take: limit,
    });
  }

  findByEmail(orgId: string, email: string, db: Db = this.prisma) {
    return db.membership.findFirst({ where: { orgId, user: { email } }, select: { id: true } });
  }

  updateRole(tx: TransactionClient, id: string, role: string): Promise<MemberRecord> {
    return tx.membership.update({ where: { id }, data: { role }, include: withUser });
  }

  delete(tx: TransactionClient, id: string) {
    return tx.membership.delete({ where: { id } });
  }

  countOwners(orgId: string, db: Db = this.prisma): Promise<number> {
    return db.membership.count({ where: { orgId, role: 'owner' } });
  }

  countWithRole(orgId: string, role: string, db: Db = this.prisma): Promise<number> {
    return db.membership.count({ where: { orgId, role } });
  }

  /** Ends every OAuth grant the user holds for this org; the gateway's recheck refuses them from the next request. */
  async revokeGrants(tx: TransactionClient, orgId: string, userId: string, now: Date, reason: string): Promise<number> {
    const { count } = await tx.grant.updateMany({ where: { orgId, userId, revokedAt: null }, data: { revokedAt: now, revokedReason: reason } });
    return count;
  }

  /** Team memberships created on invitation acceptance; teams deleted since the invitation are skipped. */
  async joinTeams(tx: TransactionClient, orgId: string, membershipId: string, teamIds: string[]): Promise<string[]> {
    if (teamIds.length === 0) return [];
    const teams = await tx.team.findMany({ where: { orgId, id: { in: teamIds } }, select: { id: true } });
    if (teams.length > 0) {
      await tx.teamMembership.createMany({ data: teams.map((team) => ({ orgId, teamId: team.id, membershipId })), skipDuplicates: true });
    }
    return teams.map((t) => t.id);
  }
}
