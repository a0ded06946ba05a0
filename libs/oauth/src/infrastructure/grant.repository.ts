import { Injectable } from '@nestjs/common';
import { PrismaService, TransactionRunner, type TransactionClient } from '@app/shared';

export interface GrantRecord {
  id: string;
  clientId: string;
  userId: string;
  sessionId: string;
  orgId: string;
  scope: string;
  resource: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface GrantData {
  clientId: string;
  userId: string;
  sessionId: string;
  orgId: string;
  scope: string;
  resource: string;
}

export interface AuthorizationCodeRecord {
  id: string;
  clientId: string;
  userId: string;
  sessionId: string;
  orgId: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  resource: string;
  expiresAt: Date;
  usedAt: Date | null;
  grantId: string | null;
}

export interface RefreshTokenRecord {
  id: string;
  grantId: string;
  parentId: string | null;
  scope: string;
  expiresAt: Date;
  rotatedAt: Date | null;
  revokedAt: Date | null;
  grant: GrantRecord;
  child: { id: string; tokenHash: string; scope: string; rotatedAt: Date | null; revokedAt: Date | null } | null;
}

export interface NewRefreshToken {
  tokenHash: string;
  scope: string;
  expiresAt: Date;
}

export type CodeRedemption =
  | { outcome: 'unknown' }
  | { outcome: 'replayed'; revokedGrantId: string | null }
  | { outcome: 'rejected'; code: AuthorizationCodeRecord; refusal: Error }
  | { outcome: 'issued'; code: AuthorizationCodeRecord; grant: GrantRecord };

/**
 * A grant is one token family: the consent, the code it came from and its chain of refresh tokens.
 * Everything that must change together changes in one transaction here.
 */
@Injectable()
export class GrantRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly transactions: TransactionRunner,
  ) {}

  create(data: GrantData, db: TransactionClient | PrismaService = this.prisma): Promise<GrantRecord> {
    return db.grant.create({ data });
  }

  findById(id: string): Promise<GrantRecord | null> {
    return this.prisma.grant.findUnique({ where: { id } });
  }

  /** A live grant with exactly these terms, so repeated desktop exchanges reuse one family. */
  findLive(data: GrantData): Promise<GrantRecord | null> {
    return this.prisma.grant.findFirst({ where: { ...data, revokedAt: null }, orderBy: { createdAt: 'desc' } });
  }

  saveCode(data: Omit<AuthorizationCodeRecord, 'id' | 'usedAt' | 'grantId'> & { codeHash: string; codeChallengeMethod: string }): Promise<unknown> {
    return this.prisma.authorizationCode.create({ data });
  }

  /**
   * Marks a code used (at most once, even under concurrency) and, when `accept` approves it, creates the
   * grant and its first refresh token. A second use revokes the grant the first use created.
   */
  redeemCode(
    codeHash: string,
    now: Date,
    accept: (code: AuthorizationCodeRecord) => Error | null,
    refresh: Omit<NewRefreshToken, 'scope'>,
  ): Promise<CodeRedemption> {
    return this.transactions.run(async (tx) => {
      const marked = await tx.authorizationCode.updateMany({ where: { codeHash, usedAt: null }, data: { usedAt: now } });
      const code = await tx.authorizationCode.findUnique({ where: { codeHash } });
      if (!code) return { outcome: 'unknown' };
      if (marked.count === 0) {
        if (code.grantId) await this.revokeFamily(tx, code.grantId, 'code_replayed', now);
        return { outcome: 'replayed', revokedGrantId: code.grantId };
      }
      const refusal = accept(code);
      if (refusal) return { outcome: 'rejected', code, refusal };
      const grant = await tx.grant.create({
        data: { clientId: code.clientId, userId: code.userId, sessionId: code.sessionId, orgId: code.orgId, scope: code.scope, resource: code.resource },
      });
      await tx.authorizationCode.update({ where: { id: code.id }, data: { grantId: grant.id } });
      await tx.refreshToken.create({ data: { grantId: grant.id, scope: code.scope, ...refresh } });
      return { outcome: 'issued', code, grant };
    });
  }

  createRefreshToken(grantId: string, refresh: NewRefreshToken): Promise<unknown> {
    return this.prisma.refreshToken.create({ data: { grantId, ...refresh } });
  }

  findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | null> {
    return this.prisma.refreshToken.findUnique({
      where: { tokenHash },
      include: { grant: true, child: { select: { id: true, tokenHash: true, scope: true, rotatedAt: true, revokedAt: true } } },
    });
  }

  /** Replaces a refresh token by its successor; null when another request rotated it first. */
  rotateRefreshToken(parentId: string, grantId: string, now: Date, successor: NewRefreshToken): Promise<boolean> {
    return this.transactions.run(async (tx) => {
      // Grant row first, as revokeFamily does: the same lock order keeps a rotation racing a revocation
      // from deadlocking, and a family revoked a moment ago gets no new child.
      const live = await tx.grant.updateMany({ where: { id: grantId, revokedAt: null }, data: { lastUsedAt: now } });
      if (live.count === 0) return false;
      const marked = await tx.refreshToken.updateMany({ where: { id: parentId, rotatedAt: null, revokedAt: null }, data: { rotatedAt: now } });
      if (marked.count === 0) return false;
      await tx.refreshToken.create({ data: { grantId, parentId, ...successor } });
      return true;
    });
  }

  /** Ends a token family: the grant (the gateway refuses its access tokens at once) and every refresh token. */
  revoke(grantId: string, reason: string, now: Date): Promise<void> {
    return this.transactions.run((tx) => this.revokeFamily(tx, grantId, reason, now));
  }

  /** Revokes one of the user's grants; false when it is not theirs or already ended. */
  async revokeForUser(grantId: string, userId: string, now: Date): Promise<boolean> {
    const grant = await this.prisma.grant.findFirst({ where: { id: grantId, userId, revokedAt: null }, select: { id: true } });
    if (!grant) return false;
    await this.revoke(grant.id, 'revoked_by_user', now);
    return true;
  }

  listLiveForUser(userId: string) {
    return this.prisma.grant.findMany({
      where: { userId, revokedAt: null },
      orderBy: { createdAt: 'desc' },
      select: { id: true, orgId: true, scope: true, createdAt: true, lastUsedAt: true, sessionId: true, client: { select: { id: true, clientName: true } } },
    });
  }

  private async revokeFamily(tx: TransactionClient, grantId: string, reason: string, now: Date): Promise<void> {
    await tx.grant.updateMany({ where: { id: grantId, revokedAt: null }, data: { revokedAt: now, revokedReason: reason } });
    await tx.refreshToken.updateMany({ where: { grantId, revokedAt: null }, data: { revokedAt: now } });
  }
}
