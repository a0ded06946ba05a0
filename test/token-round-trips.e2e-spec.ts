import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SessionsService, type Account } from '@app/identity';
import { AuthorizationService, GrantRepository } from '@app/oauth';
import { hashSecret, PrismaService } from '@app/shared';
import { createOrg, createUser } from './support/fixtures.js';
import { pkce, refresh, registerClient, tokenRequest } from './support/oauth-flow.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/** A refresh token lives a week from its issue (stored to the millisecond, whatever the server's time zone). */
function assertExpiresInAWeek(expiresAt: Date, issuedNotBefore: number, issuedNotAfter: number): void {
  assert.ok(expiresAt.getTime() >= issuedNotBefore + WEEK_MS && expiresAt.getTime() <= issuedNotAfter + WEEK_MS, `expires ${expiresAt.toISOString()}`);
}

// The code exchange and the refresh rotation read and write in as few statements as they can; these are
// the rules those statements carry (one use per code, session liveness, one successor per token).
describe('token endpoint: code exchange and rotation in few round trips', () => {
  let t: TestApp;
  let user: Account;
  let orgId: string;
  let client: { clientId: string; redirectUri: string };

  before(async () => {
    t = await startTestApp({ env: { RATE_LIMITS: 'off' } });
    user = await createUser(t);
    orgId = (await createOrg(t, user)).id;
    client = await registerClient(t);
  });
  after(() => t.close());

  async function newCode() {
    const { session, token: sessionToken } = await t.get(SessionsService).start(user.id, { userAgent: 'test' });
    const authorization = t.get(AuthorizationService);
    const { verifier, challenge } = pkce();
    const request = await authorization.validate({ response_type: 'code', client_id: client.clientId, redirect_uri: client.redirectUri, code_challenge: challenge, code_challenge_method: 'S256', scope: 'mcp:read mcp:write' });
    const code = new URL(await authorization.approve(request, { userId: user.id, sessionId: session.id }, orgId)).searchParams.get('code')!;
    return { code, verifier, session, sessionToken };
  }

  const exchange = (code: string, verifier: string) =>
    tokenRequest(t, { grant_type: 'authorization_code', client_id: client.clientId, redirect_uri: client.redirectUri, code, code_verifier: verifier });

  const grantOfCode = async (code: string) => {
    const row = await t.get(PrismaService).authorizationCode.findUnique({ where: { codeHash: hashSecret(code) } });
    return row?.grantId ? t.get(GrantRepository).findById(row.grantId) : null;
  };

  it('issues one grant and its first refresh token per code, with time-ordered ids', async () => {
    const { code, verifier, session } = await newCode();
    const before = Date.now();
    const r = await exchange(code, verifier);
    const after = Date.now();
    assert.equal(r.status, 200);
    const grant = await grantOfCode(code);
    assert.ok(grant && !grant.revokedAt);
    assert.match(grant.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // The grant carries the code's terms exactly as approved.
    assert.deepEqual(
      { clientId: grant.clientId, userId: grant.userId, sessionId: grant.sessionId, orgId: grant.orgId, scope: grant.scope, resource: grant.resource },
      { clientId: client.clientId, userId: user.id, sessionId: session.id, orgId, scope: 'mcp:read mcp:write', resource: t.config.mcpResourceUrl },
    );
    const tokens = await t.get(PrismaService).refreshToken.findMany({ where: { grantId: grant.id } });
    assert.equal(tokens.length, 1);
    assert.equal(tokens[0]!.scope, 'mcp:read mcp:write');
    assert.equal(tokens[0]!.tokenHash, hashSecret(r.body.refresh_token as string));
    assertExpiresInAWeek(tokens[0]!.expiresAt, before, after);
  });

  it('refuses a code whose web session ended before the exchange, and revokes the grant it made', async () => {
    const { code, verifier, session } = await newCode();
    await t.get(SessionsService).revoke(user.id, session.id);
    const r = await exchange(code, verifier);
    assert.equal(r.status, 400);
    assert.equal(r.body.error, 'invalid_grant');
    assert.match(String(r.body.error_description), /session/);
    const grant = await grantOfCode(code);
    assert.ok(grant?.revokedAt, 'the grant is revoked');
    // And the code stays used up.
    assert.equal((await exchange(code, verifier)).body.error, 'invalid_grant');
  });

  it('lets only one of many concurrent exchanges of a code through, and then revokes what it issued', async () => {
    const { code, verifier } = await newCode();
    const results = await Promise.all(Array.from({ length: 8 }, () => exchange(code, verifier)));
    const ok = results.filter((r) => r.status === 200);
    assert.ok(ok.length <= 1, `${ok.length} exchanges succeeded`);
    assert.ok(results.filter((r) => r.status === 400).every((r) => r.body.error === 'invalid_grant'));
    const grant = await grantOfCode(code);
    if (ok.length === 1) assert.ok(grant?.revokedAt, 'the replay revoked the grant the first use created');
  });

  it('uses up a code on a refused attempt (wrong verifier), so the right verifier afterwards is a replay', async () => {
    const { code, verifier } = await newCode();
    assert.equal((await exchange(code, `${verifier.slice(0, -2)}xx`)).body.error, 'invalid_grant');
    assert.equal((await exchange(code, verifier)).body.error, 'invalid_grant');
    assert.equal(await grantOfCode(code), null);
  });

  it('refuses to rotate a refresh token once its web session has expired, and rotates while it lasts', async () => {
    const { code, verifier, session } = await newCode();
    const first = await exchange(code, verifier);
    const second = await refresh(t, client.clientId, first.body.refresh_token as string);
    assert.equal(second.status, 200);
    const grant = await grantOfCode(code);
    const chain = await t.get(PrismaService).refreshToken.findMany({ where: { grantId: grant!.id }, orderBy: { createdAt: 'asc' } });
    assert.equal(chain.length, 2);
    assert.equal(chain[1]!.parentId, chain[0]!.id);
    assert.ok(chain[0]!.rotatedAt);
    assert.equal(chain[1]!.tokenHash, hashSecret(second.body.refresh_token as string));
    assert.equal(chain[1]!.scope, 'mcp:read mcp:write');
    assertExpiresInAWeek(chain[1]!.expiresAt, chain[0]!.rotatedAt.getTime(), Date.now());
    assert.ok((await t.get(PrismaService).grant.findUnique({ where: { id: grant!.id } }))?.lastUsedAt, 'the rotation marks the grant used');
    // Expired, not revoked: revoking a session also revokes its grants, which would answer first.
    await t.get(PrismaService).session.update({ where: { id: session.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const third = await refresh(t, client.clientId, second.body.refresh_token as string);
    assert.equal(third.status, 400);
    assert.equal(third.body.error, 'invalid_grant');
    assert.match(String(third.body.error_description), /session/);
    assert.equal(await t.get(PrismaService).refreshToken.count({ where: { grantId: grant!.id } }), 2);
  });

  it('gives a revoked family no new refresh token', async () => {
    const { code, verifier } = await newCode();
    const first = await exchange(code, verifier);
    const grant = await grantOfCode(code);
    await t.get(GrantRepository).revoke(grant!.id, 'test', new Date());
    const r = await refresh(t, client.clientId, first.body.refresh_token as string);
    assert.equal(r.body.error, 'invalid_grant');
    assert.equal(await t.get(PrismaService).refreshToken.count({ where: { grantId: grant!.id } }), 1);
  });
});
