import { Injectable } from '@nestjs/common';
import { PrismaService, TransactionRunner, type TransactionClient } from '@app/shared';

export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  userAgent: string | null;
  ipAddress: string | null;
}

@Injectable()
export class SessionRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly transactions: TransactionRunner,
  ) {}

  create(data: { userId: string; tokenHash: string; expiresAt: Date; userAgent?: string; ipAddress?: string }): Promise<SessionRecord> {
    return this.prisma.session.create({ data });
  }

  findActiveByTokenHash(tokenHash: string, now: Date) {
    return this.prisma.session.findFirst({
      where: { tokenHash, revokedAt: null, expiresAt: { gt: now } },
      include: { user: { select: { id: true, email: true, name: true, emailVerifiedAt: true } } },
    });
  }

  findActiveById(id: string, now: Date): Promise<SessionRecord | null> {
    return this.prisma.session.findFirst({ where: { id, revokedAt: null, expiresAt: { gt: now } } });
  }

  listActiveForUser(userId: string, now: Date): Promise<SessionRecord[]> {
    return this.prisma.session.findMany({
      where: { userId, revokedAt: null, expiresAt: { gt: now } },
      orderBy: { createdAt: 'desc' },
    });
  }

  touch(id: string, now: Date): Promise<unknown> {
    return this.prisma.session.update({ where: { id }, data: { lastSeenAt: now } });
  }

  /** Revoking a session also revokes every MCP grant issued under it. */
  async revoke(where: { id?: string; userId: string }, now: Date, inTransaction?: TransactionClient): Promise<number> {
    const work = async (tx: TransactionClient) => {
      const sessions = await tx.session.findMany({ where: { ...where, revokedAt: null }, select: { id: true } });
      const ids = sessions.map((s) => s.id);
      if (ids.length === 0) return 0;
      await tx.session.updateMany({ where: { id: { in: ids } }, data: { revokedAt: now } });
      await tx.grant.updateMany({ where: { sessionId: { in: ids }, revokedAt: null }, data: { revokedAt: now, revokedReason: 'session_revoked' } });
      return ids.length;
    };
    return inTransaction ? work(inTransaction) : this.transactions.run(work);
  }
}
