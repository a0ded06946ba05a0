import { Injectable } from '@nestjs/common';
import { assertPermission } from '@app/access';
import { decodeCursor, REFERENCE, ReferenceResolver, toPage, type Page, type Principal } from '@app/shared';
import { auditPermissions as can } from '../audit.permissions.js';
import { AuditEventRepository, type AuditApproval, type AuditFilter } from '../infrastructure/audit-event.repository.js';

export interface AuditEventView {
  id: string;
  action: string;
  targetType: string;
  targetId: string | null;
  actorUserId: string | null;
  actorMembershipId: string | null;
  clientId: string | null;
  details: Record<string, unknown>;
  approval: AuditApproval | null;
  createdAt: string;
}

@Injectable()
export class AuditEventsService {
  constructor(
    private readonly events: AuditEventRepository,
    private readonly references: ReferenceResolver,
  ) {}

  async list(principal: Principal, input: Omit<AuditFilter, 'actorMembershipId'> & { actor?: string; cursor?: string; limit?: number }): Promise<Page<AuditEventView>> {
    assertPermission(principal, can.list_audit_events);
    const page = decodeCursor(input);
    // A person named by email or name is one of the current members; actorUserId also reaches former ones.
    const actor = input.actor === undefined ? undefined : await this.references.resolve(principal.orgId, REFERENCE.member, input.actor);
    const filter: AuditFilter = { action: input.action, targetType: input.targetType, targetId: input.targetId, actorUserId: input.actorUserId, actorMembershipId: actor?.id, approval: input.approval };
    return toPage(await this.events.list(principal.orgId, filter, page), page, (e) => ({
      id: e.id,
      action: e.action,
      targetType: e.targetType,
      targetId: e.targetId,
      actorUserId: e.actorUserId,
      actorMembershipId: e.actorMembershipId,
      clientId: e.clientId,
      details: (e.details ?? {}) as Record<string, unknown>,
      approval: (e.approval ?? null) as AuditEventView['approval'],
      createdAt: e.createdAt.toISOString(),
    }));
  }
}
