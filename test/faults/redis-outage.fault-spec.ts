// Part of `npm run test:faults`: a Redis server this test owns (never the machine's shared one) is
// stopped under two instances and started again. Requests keep being served, limits fall back to
// per-instance counters (logged once, counted in rate_limit_fallback_total), and shared counting
// resumes when Redis is back.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Logger, type LoggerService } from '@nestjs/common';
import { RateLimiter } from '@app/shared';
import { createOrg, createUser } from '../support/fixtures.js';
import { Browser, formWithButton } from '../support/oauth-flow.js';
import { freePort, startTestApp, type TestApp } from '../support/test-app.js';

const FAILED_SIGN_INS_PER_ACCOUNT = 5;

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
  return child;
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL'); // an outage, not a goodbye
  await exited;
}

async function until(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const randomAddress = () => `10.${[...randomBytes(3)].join('.')}`;

async function failSignIn(t: TestApp, email: string): Promise<number> {
  const browser = new Browser(t.url);
  const page = await browser.get('/sign-in');
  const form = formWithButton(await page.text(), 'Sign in');
  const res = await browser.post(form.action, { ...form.hidden, email, password: 'wrong password' }, { 'x-forwarded-for': randomAddress() });
  await res.body?.cancel();
  return res.status;
}

async function fallbackMetric(t: TestApp): Promise<number> {
  // Read the way Prometheus would, from the instance's registry (how /metrics is exposed is not this test's concern).
  const { MetricsService } = await import('../../apps/api/src/health/metrics.service.js');
  const text = await t.get(MetricsService).registry.metrics();
  const match = /^rate_limit_fallback_total (\d+)/m.exec(text);
  assert.ok(match, 'rate_limit_fallback_total is exported');
  return Number(match[1]);
}

// Collects what the limiter says, to check it speaks once per outage, not once per request.
class CapturingLogger implements LoggerService {
  readonly lines: { level: string; context?: string; message: string }[] = [];
  log(message: unknown, context?: string) { this.lines.push({ level: 'log', context, message: String(message) }); }
  error(message: unknown, _trace?: string, context?: string) { this.lines.push({ level: 'error', context, message: String(message) }); }
  warn(message: unknown, context?: string) { this.lines.push({ level: 'warn', context, message: String(message) }); }
  debug() {}
  verbose() {}
  limiter(level: string) {
    return this.lines.filter((l) => l.context === 'RateLimiter' && l.level === level);
  }
}

describe('Redis outage under two instances', () => {
  let port: number;
  let redis: ChildProcess;
  let a: TestApp;
  let b: TestApp;
  const logs = new CapturingLogger();

  before(async () => {
    port = await freePort();
    redis = await startRedis(port);
    const env = { REDIS_URL: `redis://127.0.0.1:${port}` };
    a = await startTestApp({ env });
    b = await startTestApp({ sharing: a, env });
    Logger.overrideLogger(logs);
    await until('both instances count in Redis', () => a.get(RateLimiter).sharedCounting && b.get(RateLimiter).sharedCounting);
  });
  after(async () => {
    await b?.close();
    await a?.close();
    if (redis) await stopRedis(redis);
  });

  it('shares, falls back to per-instance counters while Redis is down, and shares again when it is back', async () => {
    const owner = await createUser(a);
    await createOrg(a, owner);

    // Redis up: failures on both instances add up.
    const shared = await createUser(a);
    for (let i = 0; i < FAILED_SIGN_INS_PER_ACCOUNT; i++) assert.equal(await failSignIn(i % 2 ? a : b, shared.email), 401, `attempt ${i}`);
    assert.equal(await failSignIn(a, shared.email), 429);
    assert.equal(await fallbackMetric(a), 0);

    // Redis down: every request is still answered (no 5xx), each instance limits on its own.
    await stopRedis(redis);
    const local = await createUser(a);
    for (let i = 0; i < FAILED_SIGN_INS_PER_ACCOUNT; i++) assert.equal(await failSignIn(a, local.email), 401, `attempt ${i} on a`);
    assert.equal(await failSignIn(a, local.email), 429, 'a still limits, with its own counters');
    assert.equal(await failSignIn(b, local.email), 401, 'b counted none of them: counters are per instance now');
    const fellBack = await fallbackMetric(a);
    assert.ok(fellBack >= FAILED_SIGN_INS_PER_ACCOUNT + 1, `rate_limit_fallback_total ${fellBack}`);
    assert.ok((await fallbackMetric(b)) >= 1);
    const warnings = logs.limiter('warn');
    assert.equal(warnings.length, 2, `one warning per instance, not one per request: ${JSON.stringify(warnings)}`);
    assert.match(warnings[0]!.message, /counted per instance/);
    assert.ok(await Promise.all([a, b].map((t) => fetch(`${t.url}/healthz`).then((r) => r.status))).then((s) => s.every((x) => x === 200)));

    // Redis back (empty: it kept nothing): shared counting resumes on both instances.
    redis = await startRedis(port);
    await until('both instances count in Redis again', () => a.get(RateLimiter).sharedCounting && b.get(RateLimiter).sharedCounting);
    const afterOutage = await fallbackMetric(a);
    const again = await createUser(a);
    for (let i = 0; i < FAILED_SIGN_INS_PER_ACCOUNT; i++) assert.equal(await failSignIn(i % 2 ? b : a, again.email), 401, `attempt ${i}`);
    assert.equal(await failSignIn(b, again.email), 429, 'the two instances count together again');
    assert.equal(await fallbackMetric(a), afterOutage, 'no fallback decisions once Redis is back');
    assert.equal(logs.limiter('log').filter((l) => /back/.test(l.message)).length, 2, 'each instance says once that Redis is back');
  });
});
