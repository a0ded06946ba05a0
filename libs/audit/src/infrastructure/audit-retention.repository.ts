import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AppConfig, DAY_MS, deleteBatchWhere, Prisma, PrismaService, RetentionRegistry, type RetentionRule } from '@app/shared';

// Audit events carry their own text (action, target, details), so they stay readable after what they
// name is gone; they leave only by age, after AUDIT_RETENTION_DAYS (0 keeps them forever).
@Injectable()
export class AuditRetentionRepository implements OnModuleInit {
  constructor(
    private readonly prisma: PrismaService,
    private readonly registry: RetentionRegistry,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.registry.declare(...this.rules());
  }

  rules(): RetentionRule[] {
    const days = this.config.auditRetentionDays;
    return [
      {
        table: 'AuditEvent',
        deletes: days ? `audit events older than ${days} days (AUDIT_RETENTION_DAYS)` : 'no audit events (AUDIT_RETENTION_DAYS=0 keeps them forever)',
        deleteBatch: async (now, limit) => {
          if (!days) return 0;
          return deleteBatchWhere(this.prisma, 'AuditEvent', Prisma.sql`"createdAt" < ${new Date(now.getTime() - days * DAY_MS)}`, limit);
        },
      },
    ];
  }
}
