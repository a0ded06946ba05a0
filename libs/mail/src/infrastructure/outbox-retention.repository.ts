import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AppConfig, DAY_MS, deleteBatchWhere, Prisma, PrismaService, RetentionRegistry, type RetentionRule } from '@app/shared';

// Sent and failed mail stays MAIL_RETENTION_DAYS after it was queued, so "did it go out?" has an answer
// (status and the SMTP reply); 0 keeps it forever. Queued and sending rows are never deleted: they are
// still being delivered.
@Injectable()
export class OutboxRetentionRepository implements OnModuleInit {
  constructor(
    private readonly prisma: PrismaService,
    private readonly registry: RetentionRegistry,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.registry.declare(...this.rules());
  }

  rules(): RetentionRule[] {
    const days = this.config.mailRetentionDays;
    return [
      {
        table: 'OutboxMessage',
        deletes: days ? `sent or failed mail ${days} days after it was queued (MAIL_RETENTION_DAYS)` : 'no mail (MAIL_RETENTION_DAYS=0 keeps it forever)',
        deleteBatch: async (now, limit) => {
          if (!days) return 0;
          const cutoff = new Date(now.getTime() - days * DAY_MS);
          return deleteBatchWhere(this.prisma, 'OutboxMessage', Prisma.sql`status IN ('sent', 'failed') AND "createdAt" < ${cutoff}`, limit);
        },
      },
    ];
  }
}
