import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '@app/shared';
import { freePort, startTestApp, type TestApp } from './support/test-app.js';

const TOKEN = randomBytes(24).toString('hex');

async function status(url: string, headers: Record<string, string> = {}): Promise<number> {
  const res = await fetch(url, { headers });
  await res.body?.cancel();
  return res.status;
}

function assertPrometheus(text: string): void {
  assert.match(text, /http_requests_total\{method="GET",route="\/readyz",status="200"\} \d+/);
  assert.match(text, /process_cpu_user_seconds_total/);
}

// Near misses of the right header: none of them may open the metrics.
function wrongAuthorizations(token: string): string[] {
  return [
    '',
    'Bearer',
    'Bearer ',
    `Bearer ${token.slice(0, -1)}`,
    `Bearer ${token}x`,
    `Bearer ${token.slice(0, -1)}${token.at(-1) === 'a' ? 'b' : 'a'}`,
    `Bearer ${token.toUpperCase()}`,
    `Bearer  ${token}`,
    `Basic ${Buffer.from(`metrics:${token}`).toString('base64')}`,
    `Token ${token}`,
    token,
    `Bearer ${randomBytes(24).toString('hex')}`,
  ];
}

describe('/metrics and the operational endpoints', () => {
  let plain: TestApp;
  const extra: TestApp[] = [];

  before(async () => {
    plain = await startTestApp();
  });
  after(async () => {
    for (const t of extra) await t.close();
    await plain.close();
  });

  async function instance(env: Record<string, string>): Promise<TestApp> {
    const t = await startTestApp({ sharing: plain, env });
    extra.push(t);
    return t;
  }

  it('keeps /healthz and /readyz minimal', async () => {
    const health = await fetch(`${plain.url}/healthz`);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const ready = await fetch(`${plain.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready', database: 'ok' });
  });

  it('answers 404 for /metrics with neither METRICS_TOKEN nor METRICS_PORT, whatever is sent', async () => {
    assert.equal(await status(`${plain.url}/metrics`), 404);
    for (const authorization of [`Bearer ${TOKEN}`, ...wrongAuthorizations(TOKEN)]) {
      assert.equal(await status(`${plain.url}/metrics`, authorization ? { authorization } : {}), 404, authorization);
    }
  });

  it('with METRICS_TOKEN, needs it as a bearer on the public port', async () => {
    const t = await instance({ METRICS_TOKEN: TOKEN });
    await status(`${t.url}/readyz`);
    for (const authorization of wrongAuthorizations(TOKEN)) {
      const res = await fetch(`${t.url}/metrics`, { headers: authorization ? { authorization } : {} });
      const body = await res.text();
      assert.equal(res.status, 401, JSON.stringify(authorization));
      assert.doesNotMatch(body, /http_requests_total|process_/);
    }
    assert.equal(await status(`${t.url}/metrics?token=${TOKEN}`), 401);
    const ok = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('cache-control'), 'no-store');
    assertPrometheus(await ok.text());
    // The scheme is case-insensitive (RFC 9110); the token is not.
    assert.equal(await status(`${t.url}/metrics`, { authorization: `bearer ${TOKEN}` }), 200);
  });

  it('with METRICS_PORT, serves /metrics without a token on 127.0.0.1 only, and nothing else there', async () => {
    const port = await freePort();
    const t = await instance({ METRICS_PORT: String(port) });
    await status(`${t.url}/readyz`);
    assert.equal(await status(`${t.url}/metrics`), 404);
    assert.equal(await status(`${t.url}/metrics`, { authorization: `Bearer ${TOKEN}` }), 404);
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.equal(res.status, 200);
    assertPrometheus(await res.text());
    for (const path of ['/', '/healthz', '/mcp', '/metrics/../mcp', '/sign-in']) assert.equal(await status(`http://127.0.0.1:${port}${path}`), 404, path);
    // Bound to the IPv4 loopback address only.
    await assert.rejects(fetch(`http://[::1]:${port}/metrics`));
  });

  it('with both, both work', async () => {
    const port = await freePort();
    const t = await instance({ METRICS_TOKEN: TOKEN, METRICS_PORT: String(port) });
    assert.equal(await status(`${t.url}/metrics`, { authorization: `Bearer ${TOKEN}` }), 200);
    assert.equal(await status(`${t.url}/metrics`), 401);
    assert.equal(await status(`http://127.0.0.1:${port}/metrics`), 200);
  });

  it('closes the metrics listener with the app', async () => {
    const port = await freePort();
    const t = await startTestApp({ sharing: plain, env: { METRICS_PORT: String(port) } });
    assert.equal(await status(`http://127.0.0.1:${port}/metrics`), 200);
    await t.close();
    await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`));
  });

  it('refuses bad METRICS_TOKEN and METRICS_PORT values, naming the variable', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ METRICS_TOKEN: 'short' }, /METRICS_TOKEN/],
      [{ METRICS_TOKEN: 'has spaces in it but is long enough' }, /METRICS_TOKEN/],
      [{ METRICS_TOKEN: `${'x'.repeat(30)}\u00e9` }, /METRICS_TOKEN/],
      [{ METRICS_PORT: 'nine thousand' }, /METRICS_PORT/],
      [{ METRICS_PORT: '0' }, /METRICS_PORT/],
      [{ METRICS_PORT: '70000' }, /METRICS_PORT/],
      [{ METRICS_PORT: '91.5' }, /METRICS_PORT/],
      [{ PORT: '9100', METRICS_PORT: '9100' }, /METRICS_PORT must differ from PORT/],
    ];
    for (const [env, expected] of cases) {
      assert.throws(() => loadConfig({ DATA_DIR: plain.config.dataDir, SECRETS_KEY: TOKEN.slice(0, 64).padEnd(64, '0'), ...env }), expected, JSON.stringify(env));
    }
    const config = loadConfig({ DATA_DIR: plain.config.dataDir, SECRETS_KEY: '0'.repeat(64), METRICS_TOKEN: TOKEN, METRICS_PORT: '9464' });
    assert.equal(config.metricsToken, TOKEN);
    assert.equal(config.metricsPort, 9464);
  });
});
