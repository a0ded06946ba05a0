import { Injectable } from '@nestjs/common';
import { AppConfig, before, DAY_MS, Prisma, PrismaService, RetentionDeclarations, RetentionRegistry, type RetentionRule } from '@app/shared';

// Sent and failed mail stays MAIL_RETENTION_DAYS after it was queued, so "did it go out?" has an answer
// (status and the SMTP reply); 0 keeps it forever. Queued and sending rows are never deleted: they are
// still being delivered.
@Injectable()
export class OutboxRetentionRepository extends RetentionDeclarations {
  constructor(prisma: PrismaService, registry: RetentionRegistry, private readonly config: AppConfig) {
    super(prisma, registry);
  }

  rules(): RetentionRule[] {
    const days = this.config.mailRetentionDays;
    if (!days) return [{ table: 'OutboxMessage', deletes: 'no mail (MAIL_RETENTION_DAYS=0 keeps it forever)', deleteBatch: async () => 0 }];
    return [
      this.rule(
        'OutboxMessage',
        `sent or failed mail ${days} days after it was queued (MAIL_RETENTION_DAYS)`,
        (now) => Prisma.sql`status IN ('sent', 'failed') AND "createdAt" < ${before(now, days * DAY_MS)}`,
      ),
    ];
  }
}
