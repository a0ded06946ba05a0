import { Injectable } from '@nestjs/common';
import { isUniqueViolation, PrismaService, type Db, type TransactionClient } from '@app/shared';

export interface OrganizationRecord {
  id: string;
  name: string;
  slug: string;
  plan: string;
  seatLimit: number;
  allowedEmailDomains: string[];
  confirmRiskyChanges: string;
  createdAt: Date;
  updatedAt: Date;
}

/** always: risky changes need the person's confirmation; never: the organization lets agents make them (audited as policy-off). */
export type ConfirmationPolicy = 'always' | 'never';

@Injectable()
export class OrganizationRepository {
  constructor(private readonly prisma: PrismaService) {}

  findBySlug(slug: string): Promise<OrganizationRecord | null> {
    return this.prisma.organization.findUnique({ where: { slug } });
  }

  findById(id: string, db: Db = this.prisma): Promise<OrganizationRecord | null> {
    return db.organization.findUnique({ where: { id } });
  }

  /**
   * Locks the organization row until the transaction ends: seat counting, invitations and owner
   * changes of one org serialize on it, so concurrent calls cannot overshoot a limit.
   */
  async lock(tx: TransactionClient, id: string): Promise<OrganizationRecord | null> {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Organization" WHERE id = ${id} FOR UPDATE`;
    return rows.length === 0 ? null : tx.organization.findUnique({ where: { id } });
  }

  /** Active members plus pending, unexpired invitations. */
  async seatsUsed(orgId: string, now: Date, db: Db = this.prisma): Promise<number> {
    const [members, invitations] = await Promise.all([
      db.membership.count({ where: { orgId } }),
      db.invitation.count({ where: { orgId, status: 'pending', expiresAt: { gt: now } } }),
    ]);
    return members + invitations;
  }

  update(tx: TransactionClient, id: string, data: { name?: string; allowedEmailDomains?: string[]; confirmRiskyChanges?: ConfirmationPolicy }): Promise<OrganizationRecord> {
    return tx.organization.update({ where: { id }, data });
  }

  /** Creates the organization with its first owner; picks a free slug by suffixing. */
  async createWithOwner(
    data: { name: string; baseSlug: string; plan: string; seatLimit: number; allowedEmailDomains: string[]; confirmRiskyChanges: ConfirmationPolicy },
    ownerUserId: string,
  ): Promise<OrganizationRecord> {
    for (let attempt = 0; ; attempt++) {
      const slug = attempt === 0 ? data.baseSlug : `${data.baseSlug}-${attempt + 1}`;
      try {
        return await this.prisma.organization.create({
          data: {
            name: data.name,
            slug,
            plan: data.plan,
            seatLimit: data.seatLimit,
            allowedEmailDomains: data.allowedEmailDomains,
            confirmRiskyChanges: data.confirmRiskyChanges,
            memberships: { create: { userId: ownerUserId, role: 'owner' } },
          },
        });
      } catch (error) {
        const isSlugClash = isUniqueViolation(error);
        if (!isSlugClash || attempt > 50) throw error;
      }
    }
  }

  /**
   * The same inside the caller's transaction. A failed insert would abort that transaction, so the slug
   * is chosen by looking first; a clash with a concurrent creation fails the transaction, which the caller may rerun.
   */
  async createWithOwnerIn(
    tx: TransactionClient,
    data: { name: string; baseSlug: string; plan: string; seatLimit: number; allowedEmailDomains: string[] },
    ownerUserId: string,
  ): Promise<OrganizationRecord> {
    const taken = new Set((await tx.organization.findMany({ where: { slug: { startsWith: data.baseSlug } }, select: { slug: true } })).map((o) => o.slug));
    let slug = data.baseSlug;
    for (let n = 2; taken.has(slug); n++) slug = `${data.baseSlug}-${n}`;
    return tx.organization.create({
      data: {
        name: data.name,
        slug,
        plan: data.plan,
        seatLimit: data.seatLimit,
        allowedEmailDomains: data.allowedEmailDomains,
        memberships: { create: { userId: ownerUserId, role: 'owner' } },
      },
    });
  }

  listForUser(userId: string) {
    return this.prisma.membership.findMany({
      where: { userId },
      select: { role: true, organization: { select: { id: true, name: true, slug: true, plan: true, seatLimit: true } } },
      orderBy: { organization: { name: 'asc' } },
    });
  }
}
