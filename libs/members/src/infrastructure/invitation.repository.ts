import { Injectable } from '@nestjs/common';
import { afterCursor, containsText, pageArgs, PrismaService, type PageRequest, type TransactionClient, type Db } from '@app/shared';
import type { InvitationStatus } from '../domain/invitation-rules.js';

export interface InvitationRecord {
  id: string;
  orgId: string;
  email: string;
  role: string;
  teamIds: string[];
  status: InvitationStatus;
  invitedByUserId: string;
  expiresAt: Date;
  acceptedAt: Date | null;
  acceptedUserId: string | null;
  outboxMessageId: string | null;
  resentAt: Date[];
  createdAt: Date;
  updatedAt: Date;
}

export interface InvitationWithContext extends InvitationRecord {
  organization: { id: string; name: string };
  inviter: { name: string; email: string } | null;
}

@Injectable()
export class InvitationRepository {
  constructor(private readonly prisma: PrismaService) {}

  findPendingByEmail(orgId: string, email: string, db: Db = this.prisma): Promise<InvitationRecord | null> {
    return db.invitation.findFirst({ where: { orgId, email, status: 'pending' }, orderBy: { id: 'desc' } });
  }

  findById(orgId: string, id: string, db: Db = this.prisma): Promise<InvitationRecord | null> {
    return db.invitation.findFirst({ where: { orgId, id } });
  }

  create(
    tx: TransactionClient,
    data: { orgId: string; email: string; role: string; teamIds: string[]; tokenHash: string; invitedByUserId: string; expiresAt: Date },
  ): Promise<InvitationRecord> {
    return tx.invitation.create({ data });
  }

  /** Re-sending keeps the row (and its id) but issues a new token and expiry. */
  refresh(
    tx: TransactionClient,
    id: string,
    data: { role: string; teamIds: string[]; tokenHash: string; invitedByUserId: string; expiresAt: Date },
  ): Promise<InvitationRecord> {
    return tx.invitation.update({ where: { id }, data: { ...data, status: 'pending' } });
  }

  /** A new link for the same invitation: the old token stops working with this write. */
  rotate(tx: TransactionClient, id: string, data: { tokenHash: string; expiresAt: Date; resentAt?: Date[] }): Promise<InvitationRecord> {
    return tx.invitation.update({ where: { id }, data });
  }

  /** Records the outbox message that carries the invitation's current link. */
  async setOutboxMessage(tx: TransactionClient, id: string, outboxMessageId: string): Promise<void> {
    await tx.invitation.update({ where: { id }, data: { outboxMessageId } });
  }

  /** Locks one invitation row until the transaction ends (resends and the unsent-mail step serialize on it). */
  async lockById(tx: TransactionClient, id: string): Promise<InvitationRecord | null> {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Invitation" WHERE id = ${id} FOR UPDATE`;
    return rows.length === 0 ? null : tx.invitation.findUnique({ where: { id } });
  }

  /** What the invitation mail names: the organization and who invited. */
  async findWithContext(id: string, db: Db = this.prisma): Promise<InvitationWithContext | null> {
    const invitation = await db.invitation.findUnique({ where: { id }, include: { organization: { select: { id: true, name: true } } } });
    return invitation && this.withInviter(invitation, db);
  }

  private async withInviter<T extends { invitedByUserId: string }>(invitation: T, db: Db): Promise<T & { inviter: InvitationWithContext['inviter'] }> {
    const inviter = await db.user.findUnique({ where: { id: invitation.invitedByUserId }, select: { name: true, email: true } });
    return { ...invitation, inviter };
  }

  /** Pending, unexpired invitations that were never mailed (made when links were handed to the inviter). */
  async findUnmailedIds(now: Date, limit: number): Promise<string[]> {
    const rows = await this.prisma.invitation.findMany({
      where: { status: 'pending', expiresAt: { gt: now }, outboxMessageId: null },
      select: { id: true },
      orderBy: { id: 'asc' },
      take: limit,
    });
    return rows.map((r) => r.id);
  }

  /** Changes what a pending invitation grants; its link (token) and expiry stay as they are. */
  update(tx: TransactionClient, id: string, data: { role: string; teamIds: string[] }): Promise<InvitationRecord> {
    return tx.invitation.update({ where: { id }, data });
  }

  /** Pending, unexpired invitations whose email contains the text. */
  searchPending(orgId: string, query: string, now: Date, limit: number): Promise<InvitationRecord[]> {
    return this.prisma.invitation.findMany({
      where: { orgId, status: 'pending', expiresAt: { gt: now }, email: containsText(query) },
      orderBy: { id: 'asc' },
      take: limit,
    });
  }

  list(orgId: string, page: PageRequest, filter: { status?: InvitationStatus; query?: string; now: Date }): Promise<InvitationRecord[]> {
    const status =
      filter.status === 'pending'
        ? { status: 'pending' as const, expiresAt: { gt: filter.now } }
        : filter.status === 'expired'
          ? { OR: [{ status: 'expired' as const }, { status: 'pending' as const, expiresAt: { lte: filter.now } }] }
          : filter.status
            ? { status: filter.status }
            : {};
    const query = filter.query?.trim();
    const email = query ? { email: containsText(query) } : {};
    return this.prisma.invitation.findMany({ where: { orgId, ...afterCursor(page), ...status, ...email }, ...pageArgs(page) });
  }

  setStatus(tx: TransactionClient, id: string, status: InvitationStatus): Promise<InvitationRecord> {
    return tx.invitation.update({ where: { id }, data: { status } });
  }

  markAccepted(tx: TransactionClient, id: string, userId: string, now: Date): Promise<InvitationRecord> {
    return tx.invitation.update({ where: { id }, data: { status: 'accepted', acceptedAt: now, acceptedUserId: userId } });
  }

  async findByTokenHash(tokenHash: string, db: Db = this.prisma): Promise<InvitationWithContext | null> {
    const invitation = await db.invitation.findUnique({ where: { tokenHash }, include: { organization: { select: { id: true, name: true } } } });
    return invitation && this.withInviter(invitation, db);
  }

  /** Locks the invitation row so two acceptances of one link cannot both succeed. */
  async lockByTokenHash(tx: TransactionClient, tokenHash: string): Promise<InvitationRecord | null> {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Invitation" WHERE "tokenHash" = ${tokenHash} FOR UPDATE`;
    return rows.length === 0 ? null : tx.invitation.findUnique({ where: { tokenHash } });
  }

  countPendingWithRole(orgId: string, role: string, now: Date, db: Db = this.prisma): Promise<number> {
    return db.invitation.count({ where: { orgId, role, status: 'pending', expiresAt: { gt: now } } });
  }
}
