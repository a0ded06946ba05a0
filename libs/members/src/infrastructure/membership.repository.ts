import { Inject, Injectable } from '@nestjs/common';
import { containsText, DATABASE, escapeLike, PrismaService, type Database, type Db, type PageRequest, type Statement, type TransactionClient } from '@app/shared';
import type { MemberView } from '../application/views.js';

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
  constructor(
    private readonly prisma: PrismaService,
    @Inject(DATABASE) private readonly database: Database,
  ) {}

  find(orgId: string, userId: string, db: Db = this.prisma) {
    return db.membership.findUnique({ where: { orgId_userId: { orgId, userId } } });
  }

  create(orgId: string, userId: string, role: string, db: Db = this.prisma) {
    return db.membership.create({ data: { orgId, userId, role } });
  }

  customRoleKeys(orgId: string): Promise<string[]> {
    return this.prisma.role.findMany({ where: { orgId }, select: { key: true } }).then((rows) => rows.map((r) => r.key));
  }

  /**
   * One keyset page (on the (orgId, id) index) as views, `limit + 1` rows: the optional filters narrow it
   * without changing the order. It reads on the driver, one named statement per combination of filters:
   * `list_members` is the busiest read after the access recheck, and through the ORM it cost a second
   * round trip for the users and most of the call's CPU in result mapping.
   */
  page(orgId: string, page: PageRequest, filter: MemberFilter): Promise<MemberView[]> {
    const values: unknown[] = [orgId, page.limit + 1];
    const where = ['m."orgId" = $1'];
    let name = 'members_page';
    const add = (flag: string, clause: (placeholder: string) => string, value: unknown) => {
      values.push(value);
      where.push(clause(`$${values.length}`));
      name += `_${flag}`;
    };
    if (page.afterId) add('after', (p) => `m.id > ${p}`, page.afterId);
    if (filter.role) add('role', (p) => `m.role = ${p}`, filter.role);
    if (filter.teamId) add('team', (p) => `EXISTS (SELECT 1 FROM "TeamMembership" t WHERE t."membershipId" = m.id AND t."teamId" = ${p})`, filter.teamId);
    const query = filter.query?.trim();
    if (query) add('text', (p) => `(u.email ILIKE ${p} OR u.name ILIKE ${p})`, `%${escapeLike(query)}%`);
    return this.database.query<MemberView>(memberPageStatement(name, where), values);
  }

  findById(orgId: string, id: string, db: Db = this.prisma): Promise<MemberRecord | null> {
    return db.membership.findFirst({ where: { orgId, id }, include: withUser });
  }

  /** Active members whose name or email contains the text, exact matches first. */
  search(orgId: string, query: string, limit: number): Promise<MemberRecord[]> {
    const text = containsText(query);
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

const memberPageStatements = new Map<string, Statement>();

function memberPageStatement(name: string, where: string[]): Statement {
  let statement = memberPageStatements.get(name);
  if (!statement) {
    statement = {
      name,
      // joinedAt is formatted by the database exactly as Date#toISOString does, so rows are views as read.
      text: `SELECT m.id, m."userId", u.email, u.name, m.role,
                    to_char(m."createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "joinedAt"
               FROM "Membership" m JOIN "User" u ON u.id = m."userId"
              WHERE ${where.join(' AND ')}
              ORDER BY m.id
              LIMIT $2`,
    };
    memberPageStatements.set(name, statement);
  }
  return statement;
}
