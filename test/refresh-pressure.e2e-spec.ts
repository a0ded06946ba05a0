import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { REFRESH_REUSE_GRACE_MS } from '@app/oauth';
import { Clock, PrismaService } from '@app/shared';
import type { Account } from '@app/identity';
import { rawMcp } from './support/mcp.js';
import { createOrg, createUser } from './support/fixtures.js';
import { authorizeWithForms, refresh, registerClient } from './support/oauth-flow.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const CONCURRENT = 20;

async function mcpStatus(t: TestApp, token: string): Promise<number> {
  const res = await rawMcp(t.url, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { authorization: `Bearer ${token}` });
  await res.body?.cancel();
  return res.status;
}

function grantIdOf(accessToken: string): string {
  return JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()).gid as string;
}

describe('refresh tokens under pressure', () => {
  let t: TestApp;
  let peer: TestApp;
  let user: Account;
  before(async () => {
    t = await startTestApp();
    // A second instance on the same database: concurrent refreshes arrive through different connections.
    peer = await startTestApp({ sharing: t });
    user = await createUser(t);
    await createOrg(t, user);
  });
  after(async () => {
    await peer.close();
    await t.close();
  });

  async function grantState(grantId: string) {
    const prisma = t.get(PrismaService);
    const grant = await prisma.grant.findUniqueOrThrow({ where: { id: grantId } });
    const tokens = await prisma.refreshToken.findMany({ where: { grantId } });
    return { revokedAt: grant.revokedAt, tokens };
  }

  it(`${CONCURRENT} concurrent refreshes of one token by its client, across two instances, share one successor`, async () => {
    const tokens = await authorizeWithForms(t, { email: user.email });
    const results = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) => refresh(i % 2 === 0 ? t : peer, tokens.clientId, tokens.refresh_token)),
    );
    for (const r of results) assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(new Set(results.map((r) => r.body.refresh_token)).size, 1, 'every racer got the same successor');

    const grantId = grantIdOf(tokens.access_token);
    const state = await grantState(grantId);
    assert.equal(state.revokedAt, null, 'no family revocation');
    // The original plus exactly one successor: the race created no second child.
    assert.equal(state.tokens.length, 2);
    assert.equal(state.tokens.filter((r) => r.rotatedAt === null && r.revokedAt === null).length, 1);
    for (const r of results) assert.equal(await mcpStatus(t, r.body.access_token as string), 200);

    // The successor itself rotates normally afterwards.
    const next = await refresh(peer, tokens.clientId, results[0]!.body.refresh_token as string);
    assert.equal(next.status, 200, JSON.stringify(next.body));
    assert.equal(await mcpStatus(peer, next.body.access_token as string), 200);
  });

  it('a rotated token presented after the grace window revokes the family; its access tokens stop at /mcp on both instances', async () => {
    const tokens = await authorizeWithForms(t, { email: user.email });
    const rotated = await refresh(t, tokens.clientId, tokens.refresh_token);
    assert.equal(rotated.status, 200);
    // Both instances' clocks move past the grace; the successor is still unused.
    t.get(Clock).advance(REFRESH_REUSE_GRACE_MS + 1000);
    peer.get(Clock).advance(REFRESH_REUSE_GRACE_MS + 1000);

    const late = await refresh(peer, tokens.clientId, tokens.refresh_token);
    assert.equal(late.status, 400);
    assert.equal(late.body.error, 'invalid_grant');
    const state = await grantState(grantIdOf(tokens.access_token));
    assert.ok(state.revokedAt, 'grant revoked');
    assert.ok(state.tokens.every((r) => r.revokedAt !== null), 'every refresh token of the family revoked');
    for (const instance of [t, peer]) {
      assert.equal(await mcpStatus(instance, tokens.access_token), 401);
      assert.equal(await mcpStatus(instance, rotated.body.access_token as string), 401);
    }
    const successor = await refresh(t, tokens.clientId, rotated.body.refresh_token as string);
    assert.equal(successor.body.error, 'invalid_grant');
  });

  it('a rotated token presented by another client, even inside the grace window, revokes the family', async () => {
    const tokens = await authorizeWithForms(t, { email: user.email });
    const rotated = await refresh(t, tokens.clientId, tokens.refresh_token);
    assert.equal(rotated.status, 200);
    const thief = await registerClient(t);

    const stolen = await refresh(peer, thief.clientId, tokens.refresh_token);
    assert.equal(stolen.status, 400);
    assert.equal(stolen.body.error, 'invalid_grant');
    assert.equal(stolen.body.access_token, undefined);
    const state = await grantState(grantIdOf(tokens.access_token));
    assert.ok(state.revokedAt, 'grant revoked');
    for (const instance of [t, peer]) assert.equal(await mcpStatus(instance, rotated.body.access_token as string), 401);
    // The rightful client's retry inside the grace no longer revives it.
    const retry = await refresh(t, tokens.clientId, tokens.refresh_token);
    assert.equal(retry.body.error, 'invalid_grant');
  });

  it('a burst of concurrent reuses after the grace revokes once and hands out nothing', async () => {
    const tokens = await authorizeWithForms(t, { email: user.email });
    const rotated = await refresh(t, tokens.clientId, tokens.refresh_token);
    assert.equal(rotated.status, 200);
    t.get(Clock).advance(REFRESH_REUSE_GRACE_MS + 1000);
    peer.get(Clock).advance(REFRESH_REUSE_GRACE_MS + 1000);
    const results = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) => refresh(i % 2 === 0 ? t : peer, tokens.clientId, i % 3 === 0 ? (rotated.body.refresh_token as string) : tokens.refresh_token)),
    );
    // Racing the legitimate successor against the reused parent: whatever wins, the family ends revoked
    // and no answer after the revocation carries a working token.
    const state = await grantState(grantIdOf(tokens.access_token));
    assert.ok(state.revokedAt, 'grant revoked');
    for (const r of results) {
      if (r.status === 200) assert.equal(await mcpStatus(t, r.body.access_token as string), 401);
      else assert.equal(r.body.error, 'invalid_grant');
    }
  });
});
