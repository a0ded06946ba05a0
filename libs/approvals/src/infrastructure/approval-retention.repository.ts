import { Injectable } from '@nestjs/common';
import { before, DAY_MS, Prisma, RetentionDeclarations, type RetentionRule } from '@app/shared';

/** Ended approvals and spent requestState nonces stay a day: long enough to explain a refusal, then they go. */
export const ENDED_CONFIRMATION_RETENTION_MS = DAY_MS;

// Every risky call without a confirmation leaves an approval, every form answer a spent nonce. Both are
// useless once expired (an expired approval or state is refused on its own expiry), so they do not outlive it long.
@Injectable()
export class ApprovalRetentionRepository extends RetentionDeclarations {
  rules(): RetentionRule[] {
    const expired = (now: Date) => Prisma.sql`"expiresAt" < ${before(now, ENDED_CONFIRMATION_RETENTION_MS)}`;
    return [
      this.rule('Approval', 'approvals a day after they expired', expired),
      this.rule('UsedRequestState', 'spent requestState nonces a day after their state expired', expired),
    ];
  }
}
