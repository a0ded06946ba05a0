import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DAY_MS, deleteBatchWhere, Prisma, PrismaService, RetentionRegistry, type RetentionRule } from '@app/shared';

/** Ended approvals and spent requestState nonces stay a day: long enough to explain a refusal, then they go. */
export const ENDED_CONFIRMATION_RETENTION_MS = DAY_MS;

const before = (now: Date, ms: number) => new Date(now.getTime() - ms);

// Every risky call without a confirmation leaves an approval, every form answer a spent nonce. Both are
// useless once expired (an expired approval or state is refused on its own expiry), so they do not outlive it long.
@Injectable()
export class ApprovalRetentionRepository implements OnModuleInit {
  constructor(
    private readonly prisma: PrismaService,
    private readonly registry: RetentionRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.declare(...this.rules());
  }

  rules(): RetentionRule[] {
    const rule = (table: string, deletes: string, condition: (now: Date) => Prisma.Sql): RetentionRule => ({
      table,
      deletes,
      deleteBatch: (now, limit) => deleteBatchWhere(this.prisma, table, condition(now), limit),
    });
    return [
      rule('Approval', 'approvals a day after they expired', (now) => Prisma.sql`"expiresAt" < ${before(now, ENDED_CONFIRMATION_RETENTION_MS)}`),
      rule('UsedRequestState', 'spent requestState nonces a day after their state expired', (now) => Prisma.sql`"expiresAt" < ${before(now, ENDED_CONFIRMATION_RETENTION_MS)}`),
    ];
  }
}
