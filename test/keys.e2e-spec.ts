import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import type { Account } from '@app/identity';
import { SigningKeysService } from '@app/keys';
import { Clock, PrismaService } from '@app/shared';
import { createOrg, createUser } from './support/fixtures.js';
import { rawMcp } from './support/mcp.js';
import { authorizeWithForms, refresh } from './support/oauth-flow.js';
import { freshDataDir, onPostgres, POSTGRES_TEST_SECRETS_KEY, ROOT, startTestApp, type TestApp } from './support/test-app.js';

const run = promisify(execFile);

async function cli(args: string[], env: Record<string, string | undefined>) {
  const node = join(ROOT, 'node_modules/.bin/node');
  return run(node, ['--import', './scripts/app-paths.mjs', 'dist/apps/api/src/cli/cli.js', ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'error', ...env } });
}

async function mcpStatus(t: TestApp, token: string): Promise<number> {
  const res = await rawMcp(t.url, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { authorization: `Bearer ${token}` });
  await res.body?.cancel();
  return res.status;
}

const kids = async (t: TestApp): Promise<string[]> => ((await (await fetch(`${t.url}/oauth/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);

// Every test that rotates keys lives in this file: its tests run one at a time, and on PostgreSQL the
// signing keys are shared with the other suites, which only sign and verify.
describe('signing keys', () => {
  let t: TestApp;
  let user: Account;
  before(async () => {
    t = await startTestApp();
    user = await createUser(t);
    await createOrg(t, user);
  });
  after(() => t.close());

  it('forces a rotation that a running server on the same database publishes', { skip: !onPostgres && 'the embedded database serves one process; see the next test' }, async () => {
    const before = await kids(t);
    const { stdout } = await cli(['keys:rotate'], { DATABASE_URL: process.env.DATABASE_URL, SECRETS_KEY: POSTGRES_TEST_SECRETS_KEY, DATA_DIR: t.config.dataDir });
    const active = /New signing key ([0-9a-f-]{36})/.exec(stdout)?.[1];
    assert.ok(active, stdout);
    t.get(Clock).advance(31_000); // past the server's key cache
    const after = await kids(t);
    assert.ok(after.includes(active));
    for (const kid of before) assert.ok(after.includes(kid), 'the retired key stays published');
  });

  it('rotates on a fresh embedded data directory and names the retired key', { skip: onPostgres && 'covered against the running server above' }, async () => {
    const env = { DATA_DIR: await freshDataDir(), DATABASE_URL: undefined };
    const first = await cli(['keys:rotate'], env);
    const firstKid = /New signing key ([0-9a-f-]{36})/.exec(first.stdout)?.[1];
    assert.ok(firstKid, first.stdout);
    const second = await cli(['keys:rotate'], env);
    assert.match(second.stdout, new RegExp(`Stopped signing with ${firstKid}; published in the JWKS for 1 more hour`));
  });

  it('rotates exactly once when several instances find the key due at the same moment', async () => {
    const peer = await startTestApp({ sharing: t });
    try {
      const before = await t.get(SigningKeysService).activeKey();
      // Make every key due now (as 24 h of signing would), then let both instances' 30 s key caches lapse.
      // Real time, not a moved clock: PostgreSQL runs share the table with other suites.
      await t.get(PrismaService).signingKey.updateMany({ where: { retiresAt: { gt: new Date() } }, data: { retiresAt: new Date(), expiresAt: new Date(Date.now() + 60 * 60 * 1000) } });
      const cacheLapse = 31_000;
      const dueAt = new Date(Date.now() + cacheLapse);
      t.get(Clock).advance(cacheLapse);
      peer.get(Clock).advance(cacheLapse);
      const [a, b] = await Promise.all([t.get(SigningKeysService).activeKey(), peer.get(SigningKeysService).activeKey()]);
      assert.equal(a.kid, b.kid, 'both instances sign with the same new key');
      assert.notEqual(a.kid, before.kid);
      // Keys dated at these instances' moved clocks (other suites on PostgreSQL move theirs by minutes).
      const created = await t.get(PrismaService).signingKey.count({ where: { createdAt: { gte: dueAt, lte: new Date(dueAt.getTime() + 10_000) } } });
      // On PostgreSQL another suite's instance may be the one that rotated; never two new keys.
      if (onPostgres) assert.ok(created <= 1, `${created} new keys`);
      else assert.equal(created, 1, 'one new key, not one per instance');
    } finally {
      await peer.close();
    }
  });

  it('keeps verifying a token signed just before a rotation; the retired key leaves the JWKS after 1 h', async () => {
    const tokens = await authorizeWithForms(t, { email: user.email });
    const oldKid = JSON.parse(Buffer.from(tokens.access_token.split('.')[0]!, 'base64url').toString()).kid;
    const { retired, active } = await t.get(SigningKeysService).forceRotation();
    assert.ok(retired.includes(oldKid));
    // A second instance on the same database has never seen the token: it must verify it from the JWKS keys.
    const instance = await startTestApp({ sharing: t, env: { PUBLIC_URL: t.url } });
    const peer = { ...instance, url: `http://127.0.0.1:${(instance.app.getHttpServer().address() as AddressInfo).port}` };
    try {
      assert.equal(await mcpStatus(peer, tokens.access_token), 200);
      const fresh = await refresh(peer, tokens.clientId, tokens.refresh_token);
      assert.equal(JSON.parse(Buffer.from((fresh.body.access_token as string).split('.')[0]!, 'base64url').toString()).kid, active);
      const published = await kids(peer);
      assert.ok(published.includes(oldKid) && published.includes(active));
    } finally {
      await instance.close();
    }
    t.get(Clock).advance(60 * 60 * 1000 + 60 * 1000);
    const published = await kids(t);
    assert.ok(!published.includes(oldKid));
    assert.ok(published.includes(active));
  });
});
