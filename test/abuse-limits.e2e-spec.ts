import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { REGISTRATIONS_PER_IP, TOKEN_FAILURES_PER_IP, TOKEN_REQUESTS_PER_ACCOUNT } from '@app/oauth';
import { createOrg, createUser } from './support/fixtures.js';
import { Browser, formWithButton, registerClient } from './support/oauth-flow.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// Express trusts X-Forwarded-For from a loopback proxy only, so each case can act from its own address
// and never shares a counter with another case (or with an earlier run on the same Redis).
const randomAddress = () => `10.${[...randomBytes(3)].join('.')}`;

function redisReachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(6379, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function register(t: TestApp, address: string): Promise<Response> {
  const res = await fetch(`${t.url}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ client_name: 'Limits', redirect_uris: ['http://127.0.0.1:7000/cb'], token_endpoint_auth_method: 'none' }),
  });
  await res.body?.cancel();
  return res;
}

async function badRefresh(t: TestApp, address: string, clientId: string): Promise<Response> {
  return fetch(`${t.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': address },
    body: new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, refresh_token: randomBytes(32).toString('base64url') }).toString(),
  });
}

async function assertLimited(res: Response): Promise<void> {
  assert.equal(res.status, 429);
  const retryAfter = Number(res.headers.get('retry-after'));
  assert.ok(retryAfter >= 1, `Retry-After: ${res.headers.get('retry-after')}`);
  const body = (await res.json()) as Record<string, unknown>;
  assert.equal(body.error, 'slow_down');
}

async function failSignIn(t: TestApp, email: string, address: string): Promise<Response> {
  const browser = new Browser(t.url);
  const page = await browser.get('/sign-in');
  const form = formWithButton(await page.text(), 'Sign in');
  return browser.post(form.action, { ...form.hidden, email, password: 'wrong password' }, { 'x-forwarded-for': address });
}

describe('abuse limits (in-process counters)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ env: { REDIS_URL: '' } });
  });
  after(() => t.close());

  it('limits registrations per client address with 429 and Retry-After; other addresses are unaffected', async () => {
    const address = randomAddress();
    for (let i = 0; i < REGISTRATIONS_PER_IP.max; i++) assert.equal((await register(t, address)).status, 201);
    const refused = await fetch(`${t.url}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
      body: JSON.stringify({ client_name: 'One too many', redirect_uris: ['http://127.0.0.1:7000/cb'] }),
    });
    await assertLimited(refused);
    assert.equal((await register(t, randomAddress())).status, 201);
  });

  it('limits refused token requests per client address', async () => {
    const { clientId } = await registerClient(t);
    const address = randomAddress();
    for (let i = 0; i < TOKEN_FAILURES_PER_IP.max; i++) {
      const res = await badRefresh(t, address, i % 2 ? clientId : `${clientId}-unknown`);
      assert.notEqual(res.status, 429, `limited after ${i} failures`);
      await res.body?.cancel();
    }
    await assertLimited(await badRefresh(t, address, clientId));
    // A well-formed request from the same address is refused too until the window ends: guessing stops.
    const res = await fetch(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': address },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code: 'x', redirect_uri: 'http://127.0.0.1:8976/callback', code_verifier: 'y' }).toString(),
    });
    await assertLimited(res);
  });

  it('limits token requests per client (account) even when they come from many addresses', async () => {
    const { clientId } = await registerClient(t);
    const statuses: number[] = [];
    for (let i = 0; i < TOKEN_REQUESTS_PER_ACCOUNT.max; i++) {
      const res = await badRefresh(t, randomAddress(), clientId);
      statuses.push(res.status);
      await res.body?.cancel();
    }
    assert.ok(!statuses.includes(429), 'limited too early');
    await assertLimited(await badRefresh(t, randomAddress(), clientId));
    // Another client is not affected.
    const other = await registerClient(t);
    const res = await badRefresh(t, randomAddress(), other.clientId);
    assert.equal(res.status, 400);
    await res.body?.cancel();
  });
});

const withRedis = await redisReachable();

describe('abuse limits shared through Redis', { skip: !withRedis && 'no Redis on 127.0.0.1:6379' }, () => {
  let a: TestApp;
  let b: TestApp;
  before(async () => {
    a = await startTestApp({ env: { REDIS_URL: 'redis://127.0.0.1:6379' } });
    b = await startTestApp({ sharing: a, env: { REDIS_URL: 'redis://127.0.0.1:6379' } });
    // ioredis connects lazily; wait until both instances use Redis rather than their own counters.
    for (const instance of [a, b]) {
      for (let i = 0; i < 100; i++) {
        const probe = await fetch(`${instance.url}/healthz`);
        await probe.body?.cancel();
        const { RateLimiter } = await import('@app/shared');
        if ((instance.get(RateLimiter) as unknown as { redis?: { status: string } }).redis?.status === 'ready') break;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  });
  after(async () => {
    await b.close();
    await a.close();
  });

  it('two instances count registrations from one address together', async () => {
    const address = randomAddress();
    for (let i = 0; i < REGISTRATIONS_PER_IP.max; i++) assert.equal((await register(i % 2 ? a : b, address)).status, 201);
    for (const instance of [a, b]) {
      const res = await fetch(`${instance.url}/oauth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
        body: JSON.stringify({ client_name: 'Limits', redirect_uris: ['http://127.0.0.1:7000/cb'] }),
      });
      await assertLimited(res);
    }
  });

  it('two instances count failed sign-ins for one account together', async () => {
    const user = await createUser(a);
    await createOrg(a, user);
    // Five failures per account, spread over both instances and five addresses.
    for (let i = 0; i < 5; i++) {
      const res = await failSignIn(i % 2 ? a : b, user.email, randomAddress());
      assert.equal(res.status, 401, `attempt ${i}`);
      await res.body?.cancel();
    }
    for (const instance of [a, b]) {
      const res = await failSignIn(instance, user.email, randomAddress());
      assert.equal(res.status, 429);
      assert.ok(Number(res.headers.get('retry-after')) >= 1);
      await res.body?.cancel();
    }
  });

  it('two instances count refused token requests from one address together', async () => {
    const { clientId } = await registerClient(a);
    const address = randomAddress();
    for (let i = 0; i < TOKEN_FAILURES_PER_IP.max; i++) {
      const res = await badRefresh(i % 2 ? a : b, address, clientId);
      assert.equal(res.status, 400);
      await res.body?.cancel();
    }
    await assertLimited(await badRefresh(a, address, clientId));
    await assertLimited(await badRefresh(b, address, clientId));
  });
});
