import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { REVOCATIONS_PER_CLIENT, REVOCATIONS_PER_IP } from '@app/oauth';
import { PrismaService, RateLimiter } from '@app/shared';
import { MAX_BATCH_MESSAGES } from '../apps/api/src/gateway/mcp-request-policy.js';
import { createOrg, createUser } from './support/fixtures.js';
import { authorizeWithForms, registerClient } from './support/oauth-flow.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { mintAccess } from './support/tokens.js';

const randomAddress = () => `10.${[...randomBytes(3)].join('.')}`;

function redisReachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(6379, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function waitForRedis(instance: TestApp): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((instance.get(RateLimiter) as unknown as { redis?: { status: string } }).redis?.status === 'ready') return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function post(t: TestApp, token: string, body: unknown, headers: Record<string, string | undefined> = {}): Promise<Response> {
  const all: Record<string, string> = { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) delete all[name];
    else all[name] = value;
  }
  return fetch(`${t.url}/mcp`, { method: 'POST', headers: all, body: JSON.stringify(body) });
}

const listTools = (id: number, meta?: Record<string, unknown>) => ({ jsonrpc: '2.0', id, method: 'tools/list', params: meta ? { _meta: meta } : {} });
const createTeam = (id: number, name: string) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'create_team', arguments: { name } } });
const initialize = (id: number, protocolVersion: string) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion, capabilities: {}, clientInfo: { name: 'probe', version: '1' } },
});

async function owner(t: TestApp) {
  const user = await createUser(t);
  const org = await createOrg(t, user);
  return { user, org, access: await mintAccess(t, user, org.id) };
}

describe('MCP endpoint abuse: batches', () => {
  let t: TestApp;
  let prisma: PrismaService;
  before(async () => {
    t = await startTestApp({ env: { REDIS_URL: '' } });
    prisma = t.get(PrismaService);
  });
  after(() => t.close());

  async function assertBatchRefused(res: Response, label: string) {
    assert.equal(res.status, 400, `${label}: HTTP ${res.status}`);
    const body = (await res.json()) as { jsonrpc: string; error: { code: number; message: string } };
    assert.equal(body.jsonrpc, '2.0', label);
    assert.equal(body.error.code, -32600, label);
  }

  it('refuses batches for 2025-06-18 and later, however the version is claimed, and runs none of their messages', async () => {
    const { org, access } = await owner(t);
    const newer = ['2025-06-18', '2025-11-25', '2026-07-28', 'DRAFT-2026-v1', '2099-01-01', 'garbage'];
    const cases: [string, unknown[], Record<string, string | undefined>][] = [];
    for (const version of newer) {
      cases.push([`header ${version}`, [createTeam(1, `Batch ${version}`), listTools(2)], { 'mcp-protocol-version': version }]);
      cases.push([`no header, initialize claims ${version}`, [initialize(1, version), createTeam(2, `Init ${version}`)], { 'mcp-protocol-version': undefined }]);
      cases.push([`no header, _meta claims ${version}`, [createTeam(1, `Meta ${version}`), listTools(2, { 'io.modelcontextprotocol/protocolVersion': version })], { 'mcp-protocol-version': undefined }]);
      cases.push([`old header, _meta claims ${version}`, [listTools(1, { 'io.modelcontextprotocol/protocolVersion': version }), createTeam(2, `Mixed ${version}`)], { 'mcp-protocol-version': '2025-03-26' }]);
      cases.push([`one message long batch, header ${version}`, [createTeam(1, `Single ${version}`)], { 'mcp-protocol-version': version }]);
    }
    for (const [label, batch, headers] of cases) await assertBatchRefused(await post(t, access.token, batch, headers), label);
    assert.equal(await prisma.team.count({ where: { orgId: org.id } }), 0);
  });

  it(`serves batches of up to ${MAX_BATCH_MESSAGES} messages for older versions and refuses longer or empty ones`, async () => {
    const { org, access } = await owner(t);
    for (const headers of [{ 'mcp-protocol-version': '2025-03-26' }, { 'mcp-protocol-version': undefined }, { 'mcp-protocol-version': '2024-11-05' }]) {
      const batch = Array.from({ length: MAX_BATCH_MESSAGES }, (_, i) => listTools(i + 1));
      const res = await post(t, access.token, batch, headers);
      assert.equal(res.status, 200, JSON.stringify(headers));
      const answers = (await res.json()) as { id: number; result?: { tools: unknown[] } }[];
      assert.equal(answers.length, MAX_BATCH_MESSAGES);
      assert.ok(answers.every((a) => Array.isArray(a.result?.tools)));

      for (const length of [MAX_BATCH_MESSAGES + 1, 50, 1_000]) {
        const long = Array.from({ length }, (_, i) => createTeam(i + 1, `Long ${length} ${i} ${randomBytes(2).toString('hex')}`));
        await assertBatchRefused(await post(t, access.token, long, headers), `${length} messages`);
      }
      await assertBatchRefused(await post(t, access.token, [], headers), 'empty batch');
    }
    assert.equal(await prisma.team.count({ where: { orgId: org.id } }), 0);
  });

  it('leaves single messages alone in every version', async () => {
    const { access } = await owner(t);
    for (const version of ['2025-03-26', '2025-06-18', '2025-11-25']) {
      const res = await post(t, access.token, listTools(1), { 'mcp-protocol-version': version });
      assert.equal(res.status, 200, version);
      await res.body?.cancel();
    }
  });
});

describe('MCP endpoint abuse: per-grant request budget (in-process counters)', () => {
  const LIMIT = 5;
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ env: { REDIS_URL: '', MCP_REQUESTS_PER_MINUTE: String(LIMIT) } });
  });
  after(() => t.close());

  async function assertLimited(res: Response, id: number | null) {
    assert.equal(res.status, 429);
    const retryAfter = Number(res.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${res.headers.get('retry-after')}`);
    const body = (await res.json()) as { jsonrpc: string; id: unknown; error: { code: number; message: string; data: Record<string, unknown> } };
    assert.equal(body.jsonrpc, '2.0');
    assert.equal(body.id, id);
    assert.equal(body.error.data.code, 'rate_limited');
    assert.equal(body.error.data.retryAfterSeconds, retryAfter);
    assert.equal(body.error.data.limit, LIMIT);
    const retryAt = Date.parse(body.error.data.retryAt as string);
    assert.ok(Math.abs(retryAt - (Date.now() + retryAfter * 1000)) < 5_000, `retryAt ${body.error.data.retryAt}`);
  }

  it('answers 429 with Retry-After and JSON-RPC data once a grant spends its budget; other grants are unaffected', async () => {
    const a = await owner(t);
    for (let i = 0; i < LIMIT; i++) {
      const res = await post(t, a.access.token, listTools(i), { 'mcp-protocol-version': '2025-06-18' });
      assert.equal(res.status, 200, `request ${i + 1}`);
      await res.body?.cancel();
    }
    await assertLimited(await post(t, a.access.token, listTools(99), { 'mcp-protocol-version': '2025-06-18' }), 99);
    // The next request is refused too: the window has not ended. GET and DELETE count as well.
    await assertLimited(await post(t, a.access.token, listTools(100)), 100);
    const get = await fetch(`${t.url}/mcp`, { headers: { authorization: `Bearer ${a.access.token}`, accept: 'text/event-stream' } });
    assert.equal(get.status, 429);
    await get.body?.cancel();

    // A second grant of the same user and organization has its own budget.
    const second = await mintAccess(t, a.user, a.org.id);
    const res = await post(t, second.token, listTools(1));
    assert.equal(res.status, 200);
    await res.body?.cancel();
    // Unauthenticated requests are still told to sign in, not rate limited.
    assert.equal((await post(t, 'invalid', listTools(1))).status, 401);
  });

  it('counts every message of a batch, and a refreshed access token shares its family budget', async () => {
    const a = await owner(t);
    const batch = Array.from({ length: LIMIT - 1 }, (_, i) => listTools(i));
    const first = await post(t, a.access.token, batch, { 'mcp-protocol-version': '2025-03-26' });
    assert.equal(first.status, 200);
    await first.body?.cancel();
    await assertLimited(await post(t, a.access.token, [listTools(7), listTools(8)], { 'mcp-protocol-version': '2025-03-26' }), null);

    const user = await createUser(t);
    await createOrg(t, user);
    const tokens = await authorizeWithForms(t, { email: user.email });
    for (let i = 0; i < LIMIT; i++) {
      const res = await post(t, tokens.access_token, listTools(i));
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
    const refreshed = await fetch(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: tokens.clientId, refresh_token: tokens.refresh_token }).toString(),
    });
    const next = (await refreshed.json()) as { access_token: string };
    assert.notEqual(next.access_token, tokens.access_token);
    await assertLimited(await post(t, next.access_token, listTools(5)), 5);
  });

  it('RATE_LIMITS=off lifts the budget', async () => {
    const off = await startTestApp({ env: { REDIS_URL: '', MCP_REQUESTS_PER_MINUTE: '2', RATE_LIMITS: 'off' } });
    try {
      const a = await owner(off);
      for (let i = 0; i < 10; i++) {
        const res = await post(off, a.access.token, listTools(i));
        assert.equal(res.status, 200);
        await res.body?.cancel();
      }
    } finally {
      await off.close();
    }
  });
});

describe('/oauth/revoke abuse limit', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ env: { REDIS_URL: '' } });
  });
  after(() => t.close());

  async function revoke(clientId: string, address: string): Promise<Response> {
    return fetch(`${t.url}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': address },
      body: new URLSearchParams({ client_id: clientId, token: randomBytes(32).toString('base64url') }).toString(),
    });
  }

  async function assertSlowDown(res: Response) {
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
    assert.equal(((await res.json()) as { error: string }).error, 'slow_down');
  }

  it('limits revocations per client address; other addresses are unaffected', async () => {
    const address = randomAddress();
    // Three clients, so the per-client limit is not what stops them.
    const clients = [await registerClient(t), await registerClient(t), await registerClient(t)];
    for (let i = 0; i < REVOCATIONS_PER_IP.max; i++) {
      const res = await revoke(clients[i % 3]!.clientId, address);
      assert.equal(res.status, 200, `revocation ${i + 1}`);
      await res.body?.cancel();
    }
    const { clientId } = await registerClient(t);
    await assertSlowDown(await revoke(clientId, address));
    const other = await revoke(clientId, randomAddress());
    assert.equal(other.status, 200);
    await other.body?.cancel();
  });

  it('limits revocations per client across many addresses', async () => {
    const { clientId } = await registerClient(t);
    for (let i = 0; i < REVOCATIONS_PER_CLIENT.max; i++) {
      const res = await revoke(clientId, randomAddress());
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
    await assertSlowDown(await revoke(clientId, randomAddress()));
  });
});

const withRedis = await redisReachable();

describe('MCP request budget and revocation limit shared through Redis', { skip: !withRedis && 'no Redis on 127.0.0.1:6379' }, () => {
  const LIMIT = 6;
  let a: TestApp;
  let b: TestApp;
  before(async () => {
    const env = { REDIS_URL: 'redis://127.0.0.1:6379', MCP_REQUESTS_PER_MINUTE: String(LIMIT) };
    a = await startTestApp({ env });
    b = await startTestApp({ sharing: a, env });
    await waitForRedis(a);
    await waitForRedis(b);
  });
  after(async () => {
    await b.close();
    await a.close();
  });

  it('two instances spend one grant budget together', async () => {
    const o = await owner(a);
    for (let i = 0; i < LIMIT; i++) {
      const res = await post(i % 2 ? a : b, o.access.token, listTools(i));
      assert.equal(res.status, 200, `request ${i + 1}`);
      await res.body?.cancel();
    }
    for (const instance of [a, b]) {
      const res = await post(instance, o.access.token, listTools(1));
      assert.equal(res.status, 429);
      await res.body?.cancel();
    }
  });

  it('two instances count revocations from one address together', async () => {
    const address = randomAddress();
    const { clientId } = await registerClient(a);
    const { clientId: otherClient } = await registerClient(a);
    for (let i = 0; i < REVOCATIONS_PER_IP.max; i++) {
      const res = await fetch(`${(i % 2 ? a : b).url}/oauth/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': address },
        body: new URLSearchParams({ client_id: i % 2 ? clientId : otherClient, token: 'x' }).toString(),
      });
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
    const res = await fetch(`${a.url}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': address },
      body: new URLSearchParams({ client_id: clientId, token: 'x' }).toString(),
    });
    assert.equal(res.status, 429);
    await res.body?.cancel();
  });
});
