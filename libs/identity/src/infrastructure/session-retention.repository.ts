import { Injectable } from '@nestjs/common';
import { before, DAY_MS, Prisma, RetentionDeclarations, type RetentionRule } from '@app/shared';

/** An ended web session stays a week (the account page and the audit trail can still name it). */
export const ENDED_SESSION_RETENTION_MS = 7 * DAY_MS;

@Injectable()
export class SessionRetentionRepository extends RetentionDeclarations {
  // Deleting a session also deletes the grants tied to it (and their tokens): none can be used once it ended.
  rules(): RetentionRule[] {
    return [
      this.rule('Session', 'web sessions 7 days after they expired', (now) => Prisma.sql`"expiresAt" < ${before(now, ENDED_SESSION_RETENTION_MS)}`),
      this.rule('Session', 'web sessions 7 days after they were revoked', (now) => Prisma.sql`"revokedAt" < ${before(now, ENDED_SESSION_RETENTION_MS)}`),
    ];
  }
}
