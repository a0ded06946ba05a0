import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DAY_MS, loadConfig, PrismaService, RetentionRegistry } from '@app/shared';
import { RETENTION_LOCK_ID, RetentionLoop } from '../apps/api/src/maintenance/retention-loop.service.js';
import { createOrg, createUser } from './support/fixtures.js';
import { authorizeWithForms, refresh, type TokenSet } from './support/oauth-flow.js';
import { ROOT, startTestApp, unique, type TestApp } from './support/test-app.js';

const MINUTE = 60_000;
const ago = (ms: number) => new Date(Date.now() - ms);
const ahead = (ms: number) => new Date(Date.now() + ms);

// Tables whose rows are organization content or configuration: people create and delete them through
// tools, pages or the CLI, and their number follows the organization's size, not its traffic.
const DOES_NOT_GROW_WITH_TRAFFIC: Record<string, string> = {
  User: 'accounts; deleted by their owners, not by age',
  Organization: 'organizations',
  Membership: 'members; remove_member deletes them',
  Role: 'custom roles; delete_role',
  Invitation: 'one per invited person (re-inviting updates it); revoke_invitation',
  Team: 'teams; delete_team',
  TeamMembership: 'team members; remove_team_member',
  ConfigObject: 'catalog content; delete_config_object',
  ConfigObjectVersion: 'the version history of catalog content, kept with it',
  Plugin: 'catalog content; delete_plugin',
  PluginComponent: 'catalog content; remove_plugin_component',
  Marketplace: 'catalog content',
  MarketplacePlugin: 'catalog content; unpublish_plugin',
  AccessGrant: 'sharing settings; revoke_access',
  Connector: 'configuration; delete_connector',
  Worker: 'configuration; delete_worker',
  LlmProvider: 'configuration; delete_llm_provider',
};

function schemaModels(): string[] {
  const schema = readFileSync(join(ROOT, 'prisma', 'schema.prisma'), 'utf8');
  return [...schema.matchAll(/^model\s+(\w+)\s*\{/gm)].map((m) => m[1]!);
}

describe('retention', () => {
  let t: TestApp;
  let prisma: PrismaService;
  let loop: RetentionLoop;
  before(async () => {
    t = await startTestApp();
    prisma = t.get(PrismaService);
    loop = t.get(RetentionLoop);
  });
  after(() => t.close());

  it('has a rule for every table that grows with traffic, and every other table says why it does not grow', () => {
    const models = schemaModels();
    const ruled = new Set(t.get(RetentionRegistry).rules().map((rule) => rule.table));
    const missing = models.filter((m) => !ruled.has(m) && !(m in DOES_NOT_GROW_WITH_TRAFFIC));
    assert.deepEqual(missing, [], `tables with neither a retention rule nor a reason they do not grow: ${missing.join(', ')}`);
    const both = models.filter((m) => ruled.has(m) && m in DOES_NOT_GROW_WITH_TRAFFIC);
    assert.deepEqual(both, [], 'a table is either bounded by a rule or listed as not growing, not both');
    const stale = [...ruled, ...Object.keys(DOES_NOT_GROW_WITH_TRAFFIC)].filter((m) => !models.includes(m));
    assert.deepEqual(stale, [], 'rules and reasons name tables of the schema');
    for (const table of ['AuthorizationCode', 'RefreshToken', 'Grant', 'Session', 'OAuthClient', 'AuditEvent']) assert.ok(ruled.has(table), table);
  });

  // Rows the tests below place around each boundary, directly in the database (as months of traffic would).
  async function signedInUser() {
    const user = await createUser(t);
    const org = await createOrg(t, user);
    return { user, org };
  }

  async function session(userId: string, data: { expiresAt?: Date; revokedAt?: Date | null } = {}) {
    return prisma.session.create({
      data: { userId, tokenHash: randomBytes(32).toString('hex'), expiresAt: data.expiresAt ?? ahead(DAY_MS), revokedAt: data.revokedAt ?? null },
    });
  }

  async function client(data: { kind?: 'dynamic' | 'metadata_document' | 'first_party'; createdAt?: Date; metadataFetchedAt?: Date | null } = {}) {
    return prisma.oAuthClient.create({
      data: {
        id: data.kind === 'metadata_document' ? `https://${unique('app')}.example.com/client.json` : randomUUID(),
        kind: data.kind ?? 'dynamic',
        clientName: 'Retention test client',
        redirectUris: ['http://127.0.0.1/callback'],
        grantTypes: ['authorization_code', 'refresh_token'],
        responseTypes: ['code'],
        scope: 'mcp:read mcp:write',
        createdAt: data.createdAt ?? new Date(),
        metadataFetchedAt: data.metadataFetchedAt ?? null,
      },
    });
  }

  async function grant(clientId: string, userId: string, sessionId: string, orgId: string, data: { createdAt?: Date; lastUsedAt?: Date | null; revokedAt?: Date | null } = {}) {
    return prisma.grant.create({
      data: { clientId, userId, sessionId, orgId, scope: 'mcp:read', resource: t.config.mcpResourceUrl, createdAt: data.createdAt ?? new Date(), lastUsedAt: data.lastUsedAt ?? null, revokedAt: data.revokedAt ?? null },
    });
  }

  async function refreshToken(grantId: string, data: { expiresAt: Date; rotatedAt?: Date | null; revokedAt?: Date | null }) {
    return prisma.refreshToken.create({ data: { grantId, tokenHash: randomBytes(32).toString('hex'), scope: 'mcp:read', ...data } });
  }

  async function code(clientId: string, userId: string, sessionId: string, orgId: string, expiresAt: Date) {
    return prisma.authorizationCode.create({
      data: {
        codeHash: randomBytes(32).toString('hex'),
        clientId,
        userId,
        sessionId,
        orgId,
        redirectUri: 'http://127.0.0.1/callback',
        codeChallenge: 'x'.repeat(43),
        codeChallengeMethod: 'S256',
        scope: 'mcp:read',
        resource: t.config.mcpResourceUrl,
        expiresAt,
      },
    });
  }

  const exists = {
    code: async (id: string) => (await prisma.authorizationCode.count({ where: { id } })) === 1,
    refreshToken: async (id: string) => (await prisma.refreshToken.count({ where: { id } })) === 1,
    grant: async (id: string) => (await prisma.grant.count({ where: { id } })) === 1,
    session: async (id: string) => (await prisma.session.count({ where: { id } })) === 1,
    client: async (id: string) => (await prisma.oAuthClient.count({ where: { id } })) === 1,
    audit: async (id: string) => (await prisma.auditEvent.count({ where: { id } })) === 1,
  };

  async function runPass() {
    // Another suite's pass on a shared PostgreSQL database may hold the lock for a moment.
    for (let attempt = 0; attempt < 50; attempt++) {
      const report = await loop.runOnce();
      if (report.ran) return report;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('retention pass never got the lock');
  }

  it('deletes authorization codes a day after expiry, never a code still inside that day', async () => {
    const { user, org } = await signedInUser();
    const s = await session(user.id);
    const c = await client();
    const old = await code(c.id, user.id, s.id, org.id, ago(DAY_MS + MINUTE));
    const recent = await code(c.id, user.id, s.id, org.id, ago(DAY_MS - MINUTE));
    const live = await code(c.id, user.id, s.id, org.id, ahead(10 * MINUTE));
    await runPass();
    assert.equal(await exists.code(old.id), false);
    assert.equal(await exists.code(recent.id), true);
    assert.equal(await exists.code(live.id), true);
  });

  it('deletes refresh tokens a week after they expired or were revoked; keeps rotated ones until then', async () => {
    const { user, org } = await signedInUser();
    const s = await session(user.id);
    const c = await client();
    const g = await grant(c.id, user.id, s.id, org.id);
    const expiredLongAgo = await refreshToken(g.id, { expiresAt: ago(7 * DAY_MS + MINUTE), rotatedAt: ago(8 * DAY_MS) });
    const expiredRecently = await refreshToken(g.id, { expiresAt: ago(7 * DAY_MS - MINUTE), rotatedAt: ago(13 * DAY_MS) });
    const revokedLongAgo = await refreshToken(g.id, { expiresAt: ahead(DAY_MS), revokedAt: ago(7 * DAY_MS + MINUTE) });
    const revokedRecently = await refreshToken(g.id, { expiresAt: ahead(DAY_MS), revokedAt: ago(7 * DAY_MS - MINUTE) });
    // Rotated but not expired: needed to recognise a replay of a stolen token.
    const rotated = await refreshToken(g.id, { expiresAt: ahead(DAY_MS), rotatedAt: ago(6 * DAY_MS) });
    const live = await refreshToken(g.id, { expiresAt: ahead(7 * DAY_MS) });
    await runPass();
    assert.equal(await exists.refreshToken(expiredLongAgo.id), false);
    assert.equal(await exists.refreshToken(revokedLongAgo.id), false);
    for (const kept of [expiredRecently, revokedRecently, rotated, live]) assert.equal(await exists.refreshToken(kept.id), true);
    assert.equal(await exists.grant(g.id), true);
  });

  it('deletes grants a week after they were revoked, with their tokens', async () => {
    const { user, org } = await signedInUser();
    const s = await session(user.id);
    const c = await client();
    const revokedLongAgo = await grant(c.id, user.id, s.id, org.id, { revokedAt: ago(7 * DAY_MS + MINUTE) });
    const itsToken = await refreshToken(revokedLongAgo.id, { expiresAt: ahead(DAY_MS), revokedAt: ago(7 * DAY_MS + MINUTE) });
    const revokedRecently = await grant(c.id, user.id, s.id, org.id, { revokedAt: ago(7 * DAY_MS - MINUTE) });
    const live = await grant(c.id, user.id, s.id, org.id);
    await runPass();
    assert.equal(await exists.grant(revokedLongAgo.id), false);
    assert.equal(await exists.refreshToken(itsToken.id), false);
    assert.equal(await exists.grant(revokedRecently.id), true);
    assert.equal(await exists.grant(live.id), true);
  });

  it('deletes web sessions a week after they expired or were revoked, never an active one', async () => {
    const { user } = await signedInUser();
    const expiredLongAgo = await session(user.id, { expiresAt: ago(7 * DAY_MS + MINUTE) });
    const expiredRecently = await session(user.id, { expiresAt: ago(7 * DAY_MS - MINUTE) });
    const revokedLongAgo = await session(user.id, { expiresAt: ahead(DAY_MS), revokedAt: ago(7 * DAY_MS + MINUTE) });
    const revokedRecently = await session(user.id, { expiresAt: ahead(DAY_MS), revokedAt: ago(7 * DAY_MS - MINUTE) });
    const active = await session(user.id, { expiresAt: ahead(14 * DAY_MS) });
    await runPass();
    assert.equal(await exists.session(expiredLongAgo.id), false);
    assert.equal(await exists.session(revokedLongAgo.id), false);
    for (const kept of [expiredRecently, revokedRecently, active]) assert.equal(await exists.session(kept.id), true);
  });

  it('deletes registered clients unused for 30 days; the token endpoint then answers invalid_client, a used one keeps working', async () => {
    const owner = await createUser(t);
    await createOrg(t, owner);
    const abandoned: TokenSet & { clientId: string } = await authorizeWithForms(t, { email: owner.email });
    const inUse: TokenSet & { clientId: string } = await authorizeWithForms(t, { email: owner.email });
    // Both were registered 31 days ago; only the second was used (a refresh) within the last 30 days.
    for (const id of [abandoned.clientId, inUse.clientId]) {
      await prisma.oAuthClient.update({ where: { id }, data: { createdAt: ago(31 * DAY_MS) } });
      await prisma.authorizationCode.updateMany({ where: { clientId: id }, data: { createdAt: ago(31 * DAY_MS) } });
      await prisma.grant.updateMany({ where: { clientId: id }, data: { createdAt: ago(31 * DAY_MS) } });
    }
    await prisma.grant.updateMany({ where: { clientId: inUse.clientId }, data: { lastUsedAt: ago(30 * DAY_MS - MINUTE) } });
    const { user, org } = await signedInUser();
    const s = await session(user.id);
    const oldUnused = await client({ createdAt: ago(30 * DAY_MS + MINUTE) });
    const youngUnused = await client({ createdAt: ago(30 * DAY_MS - MINUTE) });
    const oldWithRecentCode = await client({ createdAt: ago(60 * DAY_MS) });
    // Registered long ago, signing in right now: its first code is minutes old.
    await code(oldWithRecentCode.id, user.id, s.id, org.id, ahead(5 * MINUTE));
    const staleDocument = await client({ kind: 'metadata_document', createdAt: ago(90 * DAY_MS), metadataFetchedAt: ago(30 * DAY_MS + MINUTE) });
    const freshDocument = await client({ kind: 'metadata_document', createdAt: ago(90 * DAY_MS), metadataFetchedAt: ago(30 * DAY_MS - MINUTE) });
    const firstParty = await client({ kind: 'first_party', createdAt: ago(400 * DAY_MS) });

    await runPass();
    for (const gone of [abandoned.clientId, oldUnused.id, staleDocument.id]) assert.equal(await exists.client(gone), false, gone);
    for (const kept of [inUse.clientId, youngUnused.id, oldWithRecentCode.id, freshDocument.id, firstParty.id]) assert.equal(await exists.client(kept), true, kept);

    const refused = await refresh(t, abandoned.clientId, abandoned.refresh_token);
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error, 'invalid_client');
    const served = await refresh(t, inUse.clientId, inUse.refresh_token);
    assert.equal(served.status, 200, JSON.stringify(served.body));
  });

  it(`deletes audit events after AUDIT_RETENTION_DAYS (365 by default), never a younger one`, async () => {
    const { org } = await signedInUser();
    const event = (createdAt: Date) => prisma.auditEvent.create({ data: { orgId: org.id, action: 'team.created', targetType: 'team', details: { name: 'Platform' }, createdAt } });
    const old = await event(ago(365 * DAY_MS + MINUTE));
    const young = await event(ago(365 * DAY_MS - MINUTE));
    await runPass();
    assert.equal(await exists.audit(old.id), false);
    assert.equal(await exists.audit(young.id), true);
    assert.deepEqual((await prisma.auditEvent.findUnique({ where: { id: young.id } }))?.details, { name: 'Platform' });
  });

  it('keeps audit events forever with AUDIT_RETENTION_DAYS=0, and deletes after a shorter setting', async () => {
    const forever = await startTestApp({ sharing: t, env: { AUDIT_RETENTION_DAYS: '0' } });
    const short = await startTestApp({ sharing: t, env: { AUDIT_RETENTION_DAYS: '30' } });
    try {
      const { org } = await signedInUser();
      const ancient = await prisma.auditEvent.create({ data: { orgId: org.id, action: 'team.created', targetType: 'team', createdAt: ago(3000 * DAY_MS) } });
      const monthOld = await prisma.auditEvent.create({ data: { orgId: org.id, action: 'team.created', targetType: 'team', createdAt: ago(30 * DAY_MS + MINUTE) } });
      const report = await forever.get(RetentionLoop).runOnce();
      if (report.ran) {
        assert.equal(await exists.audit(ancient.id), true);
        assert.equal(report.rules.find((r) => r.table === 'AuditEvent')?.deleted, 0);
      }
      await short.get(RetentionLoop).runOnce();
      assert.equal(await exists.audit(monthOld.id), false);
    } finally {
      await short.close();
      await forever.close();
    }
  });

  it('deletes in small batches until nothing past retention is left', async () => {
    const { user } = await signedInUser();
    const expired = await Promise.all(Array.from({ length: 7 }, () => session(user.id, { expiresAt: ago(30 * DAY_MS) })));
    const report = await loop.runOnce(3);
    assert.ok(report.ran);
    const sessions = report.rules.filter((r) => r.table === 'Session');
    assert.ok(sessions.reduce((n, r) => n + r.batches, 0) >= 3, JSON.stringify(sessions));
    for (const s of expired) assert.equal(await exists.session(s.id), false);
  });

  it('runs on one instance at a time: a pass while another holds the lock does nothing', async () => {
    const other = await startTestApp({ sharing: t });
    try {
      const { user } = await signedInUser();
      const expired = await session(user.id, { expiresAt: ago(30 * DAY_MS) });
      const blocked = await t.database.runExclusive(RETENTION_LOCK_ID, () => other.get(RetentionLoop).runOnce());
      assert.ok(blocked.ran);
      assert.equal(blocked.value.ran, false);
      assert.equal(await exists.session(expired.id), true);
      const free = await other.get(RetentionLoop).runOnce();
      assert.equal(free.ran, true);
      assert.equal(await exists.session(expired.id), false);
    } finally {
      await other.close();
    }
  });

  it('reads AUDIT_RETENTION_DAYS and MAIL_RETENTION_DAYS (30 by default) and refuses other values by name', () => {
    const base = { DATA_DIR: t.config.dataDir, SECRETS_KEY: t.config.secretsKey.toString('hex') };
    const defaults = loadConfig(base);
    assert.equal(defaults.auditRetentionDays, 365);
    assert.equal(defaults.mailRetentionDays, 30);
    assert.equal(loadConfig({ ...base, MAIL_RETENTION_DAYS: '7', AUDIT_RETENTION_DAYS: '0' }).mailRetentionDays, 7);
    for (const name of ['AUDIT_RETENTION_DAYS', 'MAIL_RETENTION_DAYS']) {
      for (const bad of ['-1', 'forever', '1.5', '30d']) assert.throws(() => loadConfig({ ...base, [name]: bad }), new RegExp(name), `${name}=${bad}`);
    }
  });
});
