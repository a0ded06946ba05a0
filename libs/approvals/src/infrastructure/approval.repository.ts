import { Injectable } from '@nestjs/common';
import { isUniqueViolation, PrismaService } from '@app/shared';

export interface ApprovalRecord {
  id: string;
  orgId: string;
  userId: string;
  membershipId: string;
  grantId: string;
  clientId: string;
  tool: string;
  argumentsDigest: string;
  summary: string;
  status: 'pending' | 'approved' | 'rejected' | 'used';
  createdAt: Date;
  expiresAt: Date;
  decidedAt: Date | null;
  usedAt: Date | null;
}

@Injectable()
export class ApprovalRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: Omit<ApprovalRecord, 'status' | 'createdAt' | 'decidedAt' | 'usedAt'>): Promise<ApprovalRecord> {
    return this.prisma.approval.create({ data });
  }

  find(id: string): Promise<ApprovalRecord | null> {
    return this.prisma.approval.findUnique({ where: { id } });
  }

  /** Records the person's decision if the approval is still pending and unexpired; false otherwise. */
  async decide(id: string, userId: string, status: 'approved' | 'rejected', now: Date): Promise<boolean> {
    const { count } = await this.prisma.approval.updateMany({
      where: { id, userId, status: 'pending', expiresAt: { gt: now } },
      data: { status, decidedAt: now },
    });
    return count === 1;
  }

  /** Spends an approved approval: true for exactly one caller, on any instance. */
  async spend(id: string, now: Date): Promise<boolean> {
    const { count } = await this.prisma.approval.updateMany({
      where: { id, status: 'approved', expiresAt: { gt: now } },
      data: { status: 'used', usedAt: now },
    });
    return count === 1;
  }

  /**
   * The newest approval for exactly this call (tool and arguments digest, user, organization, grant) that
   * is unexpired and neither spent nor reported: what a retried call without an approvalId refers to.
   */
  openFor(call: Pick<ApprovalRecord, 'orgId' | 'userId' | 'grantId' | 'tool' | 'argumentsDigest'>, now: Date): Promise<ApprovalRecord | null> {
    return this.prisma.approval.findFirst({
      where: { ...call, status: { in: ['pending', 'approved', 'rejected'] }, expiresAt: { gt: now }, usedAt: null },
      orderBy: { createdAt: 'desc' },
    });
  }

  /** Marks a rejection as reported to the retried call, once; a later identical call asks anew. */
  async closeRejected(id: string, now: Date): Promise<boolean> {
    const { count } = await this.prisma.approval.updateMany({ where: { id, status: 'rejected', usedAt: null }, data: { usedAt: now } });
    return count === 1;
  }

  /** Marks an expired approval as reported, so its expiry is audited once. */
  async closeExpired(id: string, now: Date): Promise<boolean> {
    const { count } = await this.prisma.approval.updateMany({
      where: { id, status: { in: ['pending', 'approved'] }, expiresAt: { lte: now }, usedAt: null },
      data: { usedAt: now },
    });
    return count === 1;
  }

  /** Spends a form confirmation's nonce: true for exactly one caller, on any instance (the primary key decides). */
  async spendRequestState(nonce: string, expiresAt: Date): Promise<boolean> {
    try {
      await this.prisma.usedRequestState.create({ data: { id: nonce, expiresAt } });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  // The organization's setting is read here, at the moment of the call, so lowering or raising it applies
  // to the very next risky call on every instance.
  async confirmationPolicy(orgId: string): Promise<string> {
    const org = await this.prisma.organization.findUnique({ where: { id: orgId }, select: { confirmRiskyChanges: true } });
    return org?.confirmRiskyChanges ?? 'always';
  }

  async describeForPage(approval: ApprovalRecord): Promise<{ organizationName: string; clientName: string }> {
    const [org, client] = await Promise.all([
      this.prisma.organization.findUnique({ where: { id: approval.orgId }, select: { name: true } }),
      this.prisma.oAuthClient.findUnique({ where: { id: approval.clientId }, select: { clientName: true } }),
    ]);
    return { organizationName: org?.name ?? '(deleted organization)', clientName: client?.clientName ?? approval.clientId };
  }
}
