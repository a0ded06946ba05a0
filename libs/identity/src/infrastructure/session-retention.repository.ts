import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DAY_MS, deleteBatchWhere, Prisma, PrismaService, RetentionRegistry, type RetentionRule } from '@app/shared';

/** An ended web session stays a week (the account page and the audit trail can still name it). */
export const ENDED_SESSION_RETENTION_MS = 7 * DAY_MS;

@Injectable()
export class SessionRetentionRepository implements OnModuleInit {
  constructor(
    private readonly prisma: PrismaService,
    private readonly registry: RetentionRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.declare(...this.rules());
  }

  // Deleting a session also deletes the grants tied to it (and their tokens): none can be used once it ended.
  rules(): RetentionRule[] {
    const cutoff = (now: Date) => new Date(now.getTime() - ENDED_SESSION_RETENTION_MS);
    return [
      {
        table: 'Session',
        deletes: 'web sessions 7 days after they expired',
        deleteBatch: (now, limit) => deleteBatchWhere(this.prisma, 'Session', Prisma.sql`"expiresAt" < ${cutoff(now)}`, limit),
      },
      {
        table: 'Session',
        deletes: 'web sessions 7 days after they were revoked',
        deleteBatch: (now, limit) => deleteBatchWhere(this.prisma, 'Session', Prisma.sql`"revokedAt" < ${cutoff(now)}`, limit),
      },
    ];
  }
}
