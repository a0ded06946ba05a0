import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, PrismaService, TransactionRunner, type Database, type Statement, type TransactionClient } from '@app/shared';

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

/** A refresh token as rotation needs it: the token, its grant, its successor and the session's liveness. */
export interface RefreshTokenForRotation extends RefreshTokenRecord {
  /** The web session behind the grant is neither revoked nor expired. */
  sessionActive: boolean;
}

interface RotationRow {
  id: string;
  grantId: string;
  parentId: string | null;
  scope: string;
  expiresAt: Date;
  rotatedAt: Date | null;
  revokedAt: Date | null;
  grantClientId: string;
  grantUserId: string;
  grantSessionId: string;
  grantOrgId: string;
  grantScope: string;
  grantResource: string;
  grantCreatedAt: Date;
  grantRevokedAt: Date | null;
  childId: string | null;
  childTokenHash: string | null;
  childScope: string | null;
  childRotatedAt: Date | null;
  childRevokedAt: Date | null;
  sessionActive: boolean;
}

// The statements of the token endpoint's two common paths (a code redeemed, a refresh token rotated) run on
// the driver, prepared once per connection: through the ORM they cost about as much CPU as the rest of the
// exchange. Values in a SELECT list are cast: the driver sends parameters untyped.
const CODE_BY_HASH: Statement = {
  name: 'oauth_code_by_hash',
  text: `SELECT id, "clientId", "userId", "sessionId", "orgId", "redirectUri", "codeChallenge", scope, resource, "expiresAt", "usedAt", "grantId"
           FROM "AuthorizationCode" WHERE "codeHash" = $1`,
};

// Marks the code used, creates its grant and first refresh token, and reads the web session's liveness;
// no row when another request marked the code first.
const CODE_REDEMPTION: Statement = {
  name: 'oauth_code_redemption',
  text: `
    WITH marked AS (
      UPDATE "AuthorizationCode" SET "usedAt" = $1, "grantId" = $2
       WHERE id = $3 AND "usedAt" IS NULL
      RETURNING id
    ), grant_row AS (
      INSERT INTO "Grant" (id, "clientId", "userId", "sessionId", "orgId", scope, resource)
      SELECT $2::text, $4::text, $5::text, $6::text, $7::text, $8::text, $9::text FROM marked
      RETURNING id, "createdAt"
    ), first_refresh AS (
      INSERT INTO "RefreshToken" (id, "grantId", "tokenHash", scope, "expiresAt")
      SELECT $10::text, grant_row.id, $11::text, $8::text, $12::timestamptz FROM grant_row
    )
    SELECT grant_row."createdAt",
           (SELECT s."revokedAt" IS NULL AND s."expiresAt" > $13 FROM "Session" s WHERE s.id = $6) AS "sessionActive"
      FROM grant_row`,
};

const REFRESH_TOKEN_FOR_ROTATION: Statement = {
  name: 'oauth_refresh_for_rotation',
  text: `
    SELECT r.id, r."grantId", r."parentId", r.scope, r."expiresAt", r."rotatedAt", r."revokedAt",
           g."clientId" AS "grantClientId", g."userId" AS "grantUserId", g."sessionId" AS "grantSessionId",
           g."orgId" AS "grantOrgId", g.scope AS "grantScope", g.resource AS "grantResource",
           g."createdAt" AS "grantCreatedAt", g."revokedAt" AS "grantRevokedAt",
           c.id AS "childId", c."tokenHash" AS "childTokenHash", c.scope AS "childScope",
           c."rotatedAt" AS "childRotatedAt", c."revokedAt" AS "childRevokedAt",
           (s."revokedAt" IS NULL AND s."expiresAt" > $2) AS "sessionActive"
      FROM "RefreshToken" r
      JOIN "Grant" g ON g.id = r."grantId"
      JOIN "Session" s ON s.id = g."sessionId"
      LEFT JOIN "RefreshToken" c ON c."parentId" = r.id
     WHERE r."tokenHash" = $1`,
};

// The parent is only marked when the grant row was updated (and so locked) first — the same lock order as
// revokeFamily, which keeps a rotation racing a revocation from deadlocking; a family revoked a moment
// ago gets no new child.
const REFRESH_TOKEN_ROTATION: Statement = {
  name: 'oauth_refresh_rotation',
  text: `
    WITH live AS (
      UPDATE "Grant" SET "lastUsedAt" = $1 WHERE id = $2 AND "revokedAt" IS NULL RETURNING id
    ), marked AS (
      UPDATE "RefreshToken" SET "rotatedAt" = $1
       WHERE id = $3 AND "rotatedAt" IS NULL AND "revokedAt" IS NULL AND EXISTS (SELECT 1 FROM live)
      RETURNING id
    )
    INSERT INTO "RefreshToken" (id, "grantId", "parentId", "tokenHash", scope, "expiresAt")
    SELECT $4::text, $2::text, marked.id, $5::text, $6::text, $7::timestamptz FROM marked
    RETURNING id`,
};

/** Time-ordered ids, like the schema's uuid(7) defaults, for rows inserted by raw SQL. */
function uuidV7(): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(Date.now(), 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
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
  | { outcome: 'issued'; code: AuthorizationCodeRecord; grant: GrantRecord; sessionActive: boolean };

/**
 * A grant is one token family: the consent, the code it came from and its chain of refresh tokens.
 * Everything that must change together changes in one transaction here.
 */
@Injectable()
export class GrantRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly transactions: TransactionRunner,
    @Inject(DATABASE) private readonly database: Database,
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
   *
   * The common case costs two round trips: the code is read, and then marked, granted and given its first
   * refresh token in one statement that only proceeds if this request is the one that marked it.
   * `sessionNow` is the instant the grant's web session must still be live at (reported, not enforced).
   */
  async redeemCode(
    codeHash: string,
    now: Date,
    accept: (code: AuthorizationCodeRecord) => Error | null,
    refresh: Omit<NewRefreshToken, 'scope'>,
    sessionNow: Date = now,
  ): Promise<CodeRedemption> {
    const [code] = await this.database.query<AuthorizationCodeRecord>(CODE_BY_HASH, [codeHash]);
    if (!code) return { outcome: 'unknown' };
    if (code.usedAt) return this.replayed(codeHash, now);
    const refusal = accept(code);
    if (refusal) {
      // Any failed attempt still uses up the code; if another request used it first, this is a replay.
      const marked = await this.prisma.authorizationCode.updateMany({ where: { codeHash, usedAt: null }, data: { usedAt: now } });
      return marked.count === 1 ? { outcome: 'rejected', code, refusal } : this.replayed(codeHash, now);
    }
    const grantId = uuidV7();
    const created = await this.database.query<{ createdAt: Date; sessionActive: boolean | null }>(CODE_REDEMPTION, [
      now, grantId, code.id, code.clientId, code.userId, code.sessionId, code.orgId, code.scope, code.resource, uuidV7(), refresh.tokenHash, refresh.expiresAt, sessionNow,
    ]);
    const row = created[0];
    if (!row) return this.replayed(codeHash, now); // another request marked it between the read and here
    const grant: GrantRecord = {
      id: grantId,
      clientId: code.clientId,
      userId: code.userId,
      sessionId: code.sessionId,
      orgId: code.orgId,
      scope: code.scope,
      resource: code.resource,
      createdAt: row.createdAt,
      revokedAt: null,
    };
    return { outcome: 'issued', code: { ...code, usedAt: now, grantId }, grant, sessionActive: row.sessionActive === true };
  }

  /** A code presented again: the grant its first use created is revoked. */
  private replayed(codeHash: string, now: Date): Promise<CodeRedemption> {
    return this.transactions.run(async (tx) => {
      await tx.authorizationCode.updateMany({ where: { codeHash, usedAt: null }, data: { usedAt: now } });
      const code = await tx.authorizationCode.findUnique({ where: { codeHash } });
      if (!code) return { outcome: 'unknown' };
      if (code.grantId) await this.revokeFamily(tx, code.grantId, 'code_replayed', now);
      return { outcome: 'replayed', revokedGrantId: code.grantId };
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

  /**
   * The refresh token with its grant, its successor (if rotated) and whether the grant's web session is
   * live (as of `sessionNow`), in one round trip: the refresh grant reads all of it on every call.
   */
  async findRefreshTokenForRotation(tokenHash: string, sessionNow: Date): Promise<RefreshTokenForRotation | null> {
    const rows = await this.database.query<RotationRow>(REFRESH_TOKEN_FOR_ROTATION, [tokenHash, sessionNow]);
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      grantId: row.grantId,
      parentId: row.parentId,
      scope: row.scope,
      expiresAt: row.expiresAt,
      rotatedAt: row.rotatedAt,
      revokedAt: row.revokedAt,
      grant: {
        id: row.grantId,
        clientId: row.grantClientId,
        userId: row.grantUserId,
        sessionId: row.grantSessionId,
        orgId: row.grantOrgId,
        scope: row.grantScope,
        resource: row.grantResource,
        createdAt: row.grantCreatedAt,
        revokedAt: row.grantRevokedAt,
      },
      child:
        row.childId === null
          ? null
          : { id: row.childId, tokenHash: row.childTokenHash!, scope: row.childScope!, rotatedAt: row.childRotatedAt, revokedAt: row.childRevokedAt },
      sessionActive: row.sessionActive,
    };
  }

  /**
   * Replaces a refresh token by its successor; false when another request rotated it first or the family
   * was revoked. One statement, so one round trip and atomic on its own.
   */
  async rotateRefreshToken(parentId: string, grantId: string, now: Date, successor: NewRefreshToken): Promise<boolean> {
    const created = await this.database.query<{ id: string }>(REFRESH_TOKEN_ROTATION, [now, grantId, parentId, uuidV7(), successor.tokenHash, successor.scope, successor.expiresAt]);
    return created.length === 1;
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
