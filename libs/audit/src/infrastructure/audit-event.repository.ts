import { Injectable } from '@nestjs/common';
import { PrismaService, type PageRequest } from '@app/shared';

export interface AuditFilter {
  action?: string;
  targetType?: string;
  targetId?: string;
  actorUserId?: string;
  approval?: AuditApproval;
  actorMembershipId?: string;
}

/** How a risky change was confirmed, or why it did not happen. */
export const AUDIT_APPROVALS = ['form', 'browser', 'policy-off', 'declined', 'expired'] as const;
export type AuditApproval = (typeof AUDIT_APPROVALS)[number];

@Injectable()
export class AuditEventRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Newest first: ids are UUIDv7, so "after the cursor" means a smaller id. */
  list(orgId: string, filter: AuditFilter, page: PageRequest) {
    const action = filter.action?.endsWith('.') ? { startsWith: filter.action } : filter.action;
    return this.prisma.auditEvent.findMany({
      where: {
        orgId,
        ...(action ? { action } : {}),
        ...(filter.targetType ? { targetType: filter.targetType } : {}),
        ...(filter.targetId ? { targetId: filter.targetId } : {}),
        ...(filter.actorUserId ? { actorUserId: filter.actorUserId } : {}),
        ...(filter.approval ? { approval: filter.approval } : {}),
        ...(filter.actorMembershipId ? { actorMembershipId: filter.actorMembershipId } : {}),
        ...(page.afterId ? { id: { lt: page.afterId } } : {}),
      },
      orderBy: { id: 'desc' },
      take: page.limit + 1,
    });
  }
}
