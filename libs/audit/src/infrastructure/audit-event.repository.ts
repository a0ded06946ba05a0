import { Injectable } from '@nestjs/common';
import { PrismaService, type PageRequest } from '@app/shared';

export interface AuditFilter {
  action?: string;
  targetType?: string;
  targetId?: string;
  actorUserId?: string;
  actorMembershipId?: string;
}

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
        ...(filter.actorMembershipId ? { actorMembershipId: filter.actorMembershipId } : {}),
        ...(page.afterId ? { id: { lt: page.afterId } } : {}),
      },
      orderBy: { id: 'desc' },
      take: page.limit + 1,
    });
  }
}
