import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { Clock, PrismaService } from '@app/shared';
import { SigningKeysService } from '@app/keys';
import { SessionsService } from '@app/identity';
import { addMember, createOrg, createUser } from './support/fixtures.js';
import { callTool, connectWithToken, rawMcp } from './support/mcp.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { mintAccess } from './support/tokens.js';

const identityCall = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_current_identity', arguments: {} } };

describe('MCP gateway: authentication', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('answers 401 with the resource metadata and scopes when no token is sent', async () => {
    const res = await rawMcp(t.url, identityCall);
    assert.equal(res.status, 401);
    const challenge = res.headers.get('www-authenticate') ?? '';
    assert.equal(challenge, `Bearer resource_metadata="${t.url}/.well-known/oauth-protected-resource/mcp", scope="mcp:read mcp:write"`);

    const metadata = (await (await fetch(`${t.url}/.well-known/oauth-protected-resource/mcp`)).json()) as Record<string, unknown>;
    assert.equal(metadata.resource, `${t.url}/mcp`);
    assert.deepEqual(metadata.authorization_servers, [t.url]);
    assert.deepEqual(metadata.scopes_supported, ['mcp:read', 'mcp:write']);
    assert.deepEqual(await (await fetch(`${t.url}/.well-known/oauth-protected-resource`)).json(), metadata);
  });

  it('adds error="invalid_token" for garbage and forged tokens', async () => {
    const owner = await createUser(t);
    const org = await createOrg(t, owner);
    const { token } = await mintAccess(t, owner, org.id);
    const [header, payload] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const attacker = await generateKeyPair('EdDSA');
    const hsKey = new TextEncoder().encode('x'.repeat(32));
    const forged = [
      'not-a-jwt',
      `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${payload}.`,
      await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: JSON.parse(Buffer.from(header!, 'base64url').toString()).kid }).sign(hsKey),
      await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: JSON.parse(Buffer.from(header!, 'base64url').toString()).kid }).sign(attacker.privateKey),
      `${token.slice(0, -4)}AAAA`,
    ];
    for (const bad of forged) {
      const res = await rawMcp(t.url, identityCall, { authorization: `Bearer ${bad}` });
      assert.equal(res.status, 401, bad.slice(0, 40));
      assert.match(res.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    }
    assert.ok(await exportJWK(attacker.publicKey));
  });

  it('pins typ, issuer and audience even for tokens signed with the real key, and refuses expired tokens', async () => {
    const owner = await createUser(t);
    const org = await createOrg(t, owner);
    const { token } = await mintAccess(t, owner, org.id);
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    const { kid, privateKey } = await t.get(SigningKeysService).activeKey();
    const sign = (header: Record<string, unknown>, overrides: Record<string, unknown>) =>
      new SignJWT({ ...claims, ...overrides }).setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt', ...header }).sign(privateKey);
    const variants = {
      'typ JWT': await sign({ typ: 'JWT' }, {}),
      'no typ': await sign({ typ: undefined }, {}),
      'other issuer': await sign({}, { iss: 'http://evil.example' }),
      'other audience': await sign({}, { aud: 'http://127.0.0.1:1/mcp' }),
      'no kid': await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt' }).sign(privateKey),
    };
    for (const [what, bad] of Object.entries(variants)) {
      const res = await rawMcp(t.url, identityCall, { authorization: `Bearer ${bad}` });
      assert.equal(res.status, 401, what);
    }
    assert.equal((await rawMcp(t.url, identityCall, { authorization: `Bearer ${token}` })).status, 200);
    t.get(Clock).advance(15 * 60 * 1000 + 1000);
    const expired = await rawMcp(t.url, identityCall, { authorization: `Bearer ${token}` });
    assert.equal(expired.status, 401);
    assert.match(expired.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  it('refuses cross-site browser requests (Origin) before anything else', async () => {
    const owner = await createUser(t);
    const org = await createOrg(t, owner);
    const { token } = await mintAccess(t, owner, org.id);
    const evil = await rawMcp(t.url, identityCall, { authorization: `Bearer ${token}`, origin: 'http://evil.example' });
    assert.equal(evil.status, 403);
    const same = await rawMcp(t.url, identityCall, { authorization: `Bearer ${token}`, origin: t.url });
    assert.equal(same.status, 200);
  });
});

describe('MCP gateway: identity and the live access recheck', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('get_current_identity tells the agent its organization, account, role, permissions, scopes and client', async () => {
    const owner = await createUser(t, { name: 'Olivia Owner' });
    const org = await createOrg(t, owner, { name: 'Identity Org', plan: 'team' });
    const member = await createUser(t, { name: 'Mo Member' });
    await addMember(t, org.slug, member, 'member');
    const { token } = await mintAccess(t, member, org.id, 'mcp:read');
    const client = await connectWithToken(t.url, token);
    const { data, isError } = await callTool<Record<string, any>>(client, 'get_current_identity');
    assert.equal(isError, false);
    assert.deepEqual(data.organization, { id: org.id, name: 'Identity Org', slug: org.slug, plan: 'team' });
    assert.deepEqual(data.account, { id: member.id, email: member.email, name: 'Mo Member' });
    assert.equal(data.role, 'member');
    assert.ok(data.permissions.includes('catalog:write'));
    assert.ok(!data.permissions.includes('members:invite'));
    assert.deepEqual(data.grantedScopes, ['mcp:read']);
    assert.equal(data.client.name, 'OpenWork Desktop');
    await client.close();
  });

  it('cuts access at the next request when the member is removed, the session revoked or the client revoked', async () => {
    const owner = await createUser(t);
    const org = await createOrg(t, owner);
    const prisma = t.get(PrismaService);
    const cases: [string, (a: Awaited<ReturnType<typeof mintAccess>>, userId: string) => Promise<unknown>][] = [
      ['membership removed', (_a, userId) => prisma.membership.delete({ where: { orgId_userId: { orgId: org.id, userId } } })],
      ['web session revoked', (_a, userId) => t.get(SessionsService).revokeAll(userId)],
      ['client (grant) revoked', (a) => prisma.grant.update({ where: { id: a.grantId }, data: { revokedAt: new Date() } })],
      ['web session expired', (a) => prisma.session.update({ where: { id: a.sessionId }, data: { expiresAt: new Date(Date.now() - 1000) } })],
    ];
    for (const [what, cut] of cases) {
      const user = await createUser(t);
      await addMember(t, org.slug, user, 'admin');
      const access = await mintAccess(t, user, org.id);
      assert.equal((await rawMcp(t.url, identityCall, { authorization: `Bearer ${access.token}` })).status, 200, what);
      await cut(access, user.id);
      const res = await rawMcp(t.url, identityCall, { authorization: `Bearer ${access.token}` });
      assert.equal(res.status, 401, what);
      assert.match(res.headers.get('www-authenticate') ?? '', /error="invalid_token"/, what);
    }
  });

  it('applies a role change at the next request', async () => {
    const owner = await createUser(t);
    const org = await createOrg(t, owner);
    const user = await createUser(t);
    const membership = await addMember(t, org.slug, user, 'member');
    const { token } = await mintAccess(t, user, org.id);
    const client = await connectWithToken(t.url, token);
    assert.equal((await callTool<{ role: string }>(client, 'get_current_identity')).data.role, 'member');
    await t.get(PrismaService).membership.update({ where: { id: membership.id }, data: { role: 'admin' } });
    assert.equal((await callTool<{ role: string }>(client, 'get_current_identity')).data.role, 'admin');
    await client.close();
  });
});

describe('MCP gateway: two instances on one database', () => {
  let first: TestApp;
  let second: TestApp;
  before(async () => {
    first = await startTestApp();
    second = await startTestApp({ sharing: first });
  });
  after(async () => {
    await second.close();
    await first.close();
  });

  it('a token from one instance works on the other, and revocation on one cuts access on both', async () => {
    const owner = await createUser(first);
    const org = await createOrg(first, owner);
    const user = await createUser(first);
    await addMember(first, org.slug, user, 'member');
    const fromFirst = await mintAccess(first, user, org.id);
    const fromSecond = await mintAccess(second, user, org.id);
    for (const token of [fromFirst.token, fromSecond.token]) {
      for (const instance of [first, second]) {
        assert.equal((await rawMcp(instance.url, identityCall, { authorization: `Bearer ${token}` })).status, 200);
      }
    }
    await second.get(SessionsService).revokeAll(user.id);
    for (const token of [fromFirst.token, fromSecond.token]) {
      for (const instance of [first, second]) {
        assert.equal((await rawMcp(instance.url, identityCall, { authorization: `Bearer ${token}` })).status, 401);
      }
    }
  });
});

describe('MCP gateway: database outage', () => {
  it('answers 503 with Retry-After while the database cannot answer, never "allowed", and recovers', async () => {
    // On PostgreSQL the outage hits a database of this test's own, so parallel suites are untouched.
    const { Client } = await import('pg');
    const adminUrl = process.env.DATABASE_URL ? new URL(process.env.DATABASE_URL) : undefined;
    const outageDb = `owmcp_outage_${Date.now().toString(36)}`;
    const admin = adminUrl ? new Client({ connectionString: Object.assign(new URL(adminUrl), { pathname: '/postgres' }).href }) : undefined;
    const setConnections = async (allow: boolean) => {
      await admin!.query(`ALTER DATABASE "${outageDb}" ALLOW_CONNECTIONS ${allow}`);
      if (!allow) await admin!.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [outageDb]);
    };
    if (admin) {
      await admin.connect();
      await admin.query(`CREATE DATABASE "${outageDb}"`);
    }
    const t = await startTestApp(admin ? { env: { DATABASE_URL: Object.assign(new URL(adminUrl!), { pathname: `/${outageDb}` }).href } } : {});
    try {
      const owner = await createUser(t);
      const org = await createOrg(t, owner);
      const { token } = await mintAccess(t, owner, org.id);
      assert.equal((await rawMcp(t.url, identityCall, { authorization: `Bearer ${token}` })).status, 200);

      if (admin) await setConnections(false);
      else await t.database.close();
      const res = await rawMcp(t.url, identityCall, { authorization: `Bearer ${token}` });
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), '5');
      assert.equal((await fetch(`${t.url}/readyz`)).status, 503);

      if (admin) {
        await setConnections(true);
        const back = await rawMcp(t.url, identityCall, { authorization: `Bearer ${token}` });
        assert.equal(back.status, 200, 'serves again once the database is back');
      }
    } finally {
      await t.close().catch(() => {});
      if (admin) {
        await admin.query(`DROP DATABASE IF EXISTS "${outageDb}" WITH (FORCE)`);
        await admin.end();
      }
    }
  });
});
