import { Injectable } from '@nestjs/common';
import { PrismaService, type Db, type TransactionClient } from '@app/shared';
import type { OutboxStatus } from '../domain/mail-message.js';

export interface ClaimedMessage {
  id: string;
  messageId: string;
  recipient: string;
  subject: string;
  payload: string | null;
  linkExpiresAt: Date | null;
  attempts: number;
  createdAt: Date;
}

export interface OutboxRow {
  id: string;
  messageId: string;
  kind: string;
  recipient: string;
  subject: string;
  payload: string | null;
  linkExpiresAt: Date | null;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastReply: string | null;
  sentAt: Date | null;
  createdAt: Date;
}

@Injectable()
export class OutboxRepository {
  constructor(private readonly prisma: PrismaService) {}

  async insert(
    tx: TransactionClient,
    data: { messageId: string; kind: string; recipient: string; subject: string; payload: string; linkExpiresAt: Date | null; now: Date },
  ): Promise<{ id: string }> {
    const { now, ...row } = data;
    return tx.outboxMessage.create({ data: { ...row, nextAttemptAt: now }, select: { id: true } });
  }

  /**
   * Takes up to `limit` due messages for this sender: queued ones whose time has come, and ones another
   * sender took but did not finish within its lease. SKIP LOCKED lets several instances claim side by
   * side without ever taking the same row.
   */
  claimDue(now: Date, leaseUntil: Date, limit: number): Promise<ClaimedMessage[]> {
    return this.prisma.$queryRaw<ClaimedMessage[]>`
      UPDATE "OutboxMessage" SET status = 'sending', "leaseUntil" = ${leaseUntil}, attempts = attempts + 1, "updatedAt" = ${now}
      WHERE id IN (
        SELECT id FROM "OutboxMessage"
        WHERE (status = 'queued' AND "nextAttemptAt" <= ${now}) OR (status = 'sending' AND "leaseUntil" < ${now})
        ORDER BY "nextAttemptAt" LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING id, "messageId", recipient, subject, payload, "linkExpiresAt", attempts, "createdAt"`;
  }

  /** Only the sender holding the lease may settle a message (a late one whose lease lapsed changes nothing). */
  async markSent(id: string, leaseUntil: Date, reply: string, now: Date, remainingPayload: string | null): Promise<void> {
    await this.prisma.outboxMessage.updateMany({
      where: { id, status: 'sending', leaseUntil },
      data: { status: 'sent', payload: remainingPayload, sentAt: now, lastReply: reply, leaseUntil: null },
    });
  }

  async markRetry(id: string, leaseUntil: Date, reply: string, nextAttemptAt: Date): Promise<void> {
    await this.prisma.outboxMessage.updateMany({
      where: { id, status: 'sending', leaseUntil },
      data: { status: 'queued', lastReply: reply, nextAttemptAt, leaseUntil: null },
    });
  }

  async markFailed(id: string, leaseUntil: Date, reply: string): Promise<void> {
    await this.prisma.outboxMessage.updateMany({
      where: { id, status: 'sending', leaseUntil },
      data: { status: 'failed', payload: null, lastReply: reply, leaseUntil: null },
    });
  }

  /** Fails a message that is still only queued (one being sent is past stopping); false otherwise. */
  async withdraw(tx: TransactionClient, id: string, reason: string): Promise<boolean> {
    const { count } = await tx.outboxMessage.updateMany({ where: { id, status: 'queued' }, data: { status: 'failed', payload: null, lastReply: reason } });
    return count === 1;
  }

  /**
   * A queued message whose link has expired would only deliver a dead link: fail it. Any row whose link
   * has expired loses what is left of its sealed payload.
   */
  async dropExpiredLinks(now: Date): Promise<number> {
    const { count } = await this.prisma.outboxMessage.updateMany({
      where: { status: 'queued', linkExpiresAt: { lte: now } },
      data: { status: 'failed', payload: null, lastReply: 'not delivered: the link expired before the message could be sent' },
    });
    await this.prisma.outboxMessage.updateMany({
      where: { status: { in: ['sent', 'failed'] }, payload: { not: null }, linkExpiresAt: { lte: now } },
      data: { payload: null },
    });
    return count;
  }

  listRecent(limit: number): Promise<OutboxRow[]> {
    return this.prisma.outboxMessage.findMany({ orderBy: { createdAt: 'desc' }, take: limit }) as Promise<OutboxRow[]>;
  }

  findStatuses(ids: readonly string[], db: Db = this.prisma): Promise<{ id: string; status: OutboxStatus; recipient: string }[]> {
    return db.outboxMessage.findMany({ where: { id: { in: [...ids] } }, select: { id: true, status: true, recipient: true } });
  }

  findById(id: string): Promise<OutboxRow | null> {
    return this.prisma.outboxMessage.findUnique({ where: { id } }) as Promise<OutboxRow | null>;
  }
}
