import { Injectable } from '@nestjs/common';
import { AuditLog, Clock } from '@app/shared';
import { ApprovalRepository, type ApprovalRecord } from '../infrastructure/approval.repository.js';

export type ApprovalPageView =
  | { state: 'unknown' }
  | { state: 'expired' | 'approved' | 'rejected' | 'used'; summary: string }
  | { state: 'pending'; summary: string; tool: string; organizationName: string; clientName: string; expiresAt: Date };

export type ApprovalDecision = 'approve' | 'reject';

/** The browser side of an approval: what the signed-in person sees and decides. Only their own approvals exist for them. */
@Injectable()
export class ApprovalsService {
  constructor(
    private readonly approvals: ApprovalRepository,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async view(id: string, userId: string): Promise<ApprovalPageView> {
    const approval = await this.ownApproval(id, userId);
    if (!approval) return { state: 'unknown' };
    if (approval.status === 'pending' && approval.expiresAt <= this.clock.now()) return { state: 'expired', summary: approval.summary };
    if (approval.status !== 'pending') return { state: approval.status, summary: approval.summary };
    const names = await this.approvals.describeForPage(approval);
    return { state: 'pending', summary: approval.summary, tool: approval.tool, expiresAt: approval.expiresAt, ...names };
  }

  /** Records Approve or Reject once; anything else (decided, expired, someone else's) changes nothing. */
  async decide(id: string, userId: string, decision: ApprovalDecision): Promise<ApprovalPageView> {
    const approval = await this.ownApproval(id, userId);
    if (!approval) return { state: 'unknown' };
    const now = this.clock.now();
    const decided = await this.approvals.decide(id, userId, decision === 'approve' ? 'approved' : 'rejected', now);
    if (decided && decision === 'reject') {
      await this.audit.record(
        { orgId: approval.orgId, userId: approval.userId, membershipId: approval.membershipId, clientId: approval.clientId },
        { action: 'confirmation.declined', targetType: 'tool', targetId: approval.tool, details: { tool: approval.tool, summary: approval.summary, via: 'browser', approvalId: approval.id }, approval: 'declined' },
      );
    }
    return this.view(id, userId);
  }

  private async ownApproval(id: string, userId: string): Promise<ApprovalRecord | null> {
    if (id.length === 0 || id.length > 64) return null;
    const approval = await this.approvals.find(id);
    return approval && approval.userId === userId ? approval : null;
  }
}
