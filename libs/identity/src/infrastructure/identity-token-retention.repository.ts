import { Injectable } from '@nestjs/common';
import { before, DAY_MS, Prisma, RetentionDeclarations, type RetentionRule } from '@app/shared';

/** A one-time link is useless once used or expired; it stays a day so a "this link does not work" can be looked into. */
export const SPENT_TOKEN_RETENTION_MS = DAY_MS;

@Injectable()
export class IdentityTokenRetentionRepository extends RetentionDeclarations {
  rules(): RetentionRule[] {
    return [
      this.rule('IdentityToken', 'setup, verification and reset links a day after they were used', (now) => Prisma.sql`"usedAt" < ${before(now, SPENT_TOKEN_RETENTION_MS)}`),
      this.rule('IdentityToken', 'setup, verification and reset links a day after they expired', (now) => Prisma.sql`"expiresAt" < ${before(now, SPENT_TOKEN_RETENTION_MS)}`),
    ];
  }
}
