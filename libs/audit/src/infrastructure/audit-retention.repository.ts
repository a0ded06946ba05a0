import { Injectable } from '@nestjs/common';
import { AppConfig, before, DAY_MS, Prisma, PrismaService, RetentionDeclarations, RetentionRegistry, type RetentionRule } from '@app/shared';

// Audit events carry their own text (action, target, details), so they stay readable after what they
// name is gone; they leave only by age, after AUDIT_RETENTION_DAYS (0 keeps them forever).
@Injectable()
export class AuditRetentionRepository extends RetentionDeclarations {
  constructor(prisma: PrismaService, registry: RetentionRegistry, private readonly config: AppConfig) {
    super(prisma, registry);
  }

  rules(): RetentionRule[] {
    const days = this.config.auditRetentionDays;
    if (!days) return [{ table: 'AuditEvent', deletes: 'no audit events (AUDIT_RETENTION_DAYS=0 keeps them forever)', deleteBatch: async () => 0 }];
    return [this.rule('AuditEvent', `audit events older than ${days} days (AUDIT_RETENTION_DAYS)`, (now) => Prisma.sql`"createdAt" < ${before(now, days * DAY_MS)}`)];
  }
}
