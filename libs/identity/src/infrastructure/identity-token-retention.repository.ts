import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DAY_MS, deleteBatchWhere, Prisma, PrismaService, RetentionRegistry, type RetentionRule } from '@app/shared';

/** A one-time link is useless once used or expired; it stays a day so a "this link does not work" can be looked into. */
export const SPENT_TOKEN_RETENTION_MS = DAY_MS;

@Injectable()
export class IdentityTokenRetentionRepository implements OnModuleInit {
  constructor(
    private readonly prisma: PrismaService,
    private readonly registry: RetentionRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.declare(...this.rules());
  }

  rules(): RetentionRule[] {
    const cutoff = (now: Date) => new Date(now.getTime() - SPENT_TOKEN_RETENTION_MS);
    return [
      {
        table: 'IdentityToken',
        deletes: 'setup, verification and reset links a day after they were used',
        deleteBatch: (now, limit) => deleteBatchWhere(this.prisma, 'IdentityToken', Prisma.sql`"usedAt" < ${cutoff(now)}`, limit),
      },
      {
        table: 'IdentityToken',
        deletes: 'setup, verification and reset links a day after they expired',
        deleteBatch: (now, limit) => deleteBatchWhere(this.prisma, 'IdentityToken', Prisma.sql`"expiresAt" < ${cutoff(now)}`, limit),
      },
    ];
  }
}
