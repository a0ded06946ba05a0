import { Injectable } from '@nestjs/common';
import { before, DAY_MS, Prisma, RetentionDeclarations, type RetentionRule } from '@app/shared';

/** Ended codes, tokens and grants stay this long: enough to explain a refusal, not forever. */
export const ENDED_CODE_RETENTION_MS = DAY_MS;
export const ENDED_TOKEN_RETENTION_MS = 7 * DAY_MS;
/** A registered client nobody used for this long is deleted; its next token request gets invalid_client. */
export const UNUSED_CLIENT_RETENTION_MS = 30 * DAY_MS;

// The OAuth tables that grow with every sign-in, refresh and registration, and when their rows go.
@Injectable()
export class OAuthRetentionRepository extends RetentionDeclarations {
  rules(): RetentionRule[] {
    const rule = this.rule.bind(this);
    return [
      rule('AuthorizationCode', 'authorization codes a day after they expired', (now) => Prisma.sql`"expiresAt" < ${before(now, ENDED_CODE_RETENTION_MS)}`),
      // Rotated tokens stay until they expire: presenting one again is how a stolen token is detected.
      rule('RefreshToken', 'refresh tokens 7 days after they expired', (now) => Prisma.sql`"expiresAt" < ${before(now, ENDED_TOKEN_RETENTION_MS)}`),
      rule('RefreshToken', 'refresh tokens 7 days after they were revoked', (now) => Prisma.sql`"revokedAt" < ${before(now, ENDED_TOKEN_RETENTION_MS)}`),
      rule('Grant', 'grants 7 days after they were revoked', (now) => Prisma.sql`"revokedAt" < ${before(now, ENDED_TOKEN_RETENTION_MS)}`),
      // Unused: registered (or last fetched) long ago, and no code or grant of it issued or used since.
      rule('OAuthClient', 'dynamically registered and metadata-document clients unused for 30 days', (now) => {
        const cutoff = before(now, UNUSED_CLIENT_RETENTION_MS);
        return Prisma.sql`"kind" IN ('dynamic', 'metadata_document') AND COALESCE("metadataFetchedAt", "createdAt") < ${cutoff}
          AND NOT EXISTS (SELECT 1 FROM "Grant" g WHERE g."clientId" = "OAuthClient".id
                          AND (g."createdAt" >= ${cutoff} OR g."lastUsedAt" >= ${cutoff}))
          AND NOT EXISTS (SELECT 1 FROM "AuthorizationCode" c WHERE c."clientId" = "OAuthClient".id AND c."createdAt" >= ${cutoff})`;
      }),
    ];
  }
}
