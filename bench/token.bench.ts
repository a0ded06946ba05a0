// Token endpoint throughput (authorization_code exchange and refresh rotation) against GET /readyz, and
// the cost of verifying an access token per MCP request. The server runs in its own process
// (token-server); this process drives it over HTTP with autocannon, so the client's work is never counted
// as the server's.
// Each round measures the baseline and both grants back to back; each ratio is the median of the rounds'
// ratios to their own baseline, which is what holds on a shared, noisy machine.
//   npm run bench:token                       (embedded database)
//   DATABASE_URL=postgres://… npm run bench:token
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SERVER_NODE_FLAGS } from '../test/support/server-node-flags.js';
import { fmt, forkServer, percentile } from './support.js';
import type { TokenServerAnswers, TokenServerCommand, TokenServerReady } from './token-server.js';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CODES = Number(process.env.BENCH_CODES ?? 1000);
const REFRESHES = Number(process.env.BENCH_REFRESHES ?? 2000);
const READYZ = Number(process.env.BENCH_READYZ ?? 4000);
const VERIFICATIONS = Number(process.env.BENCH_VERIFICATIONS ?? 2000);
// BENCH_PROFILE_DIR=/tmp/prof writes a V8 CPU profile of the server over the first round's exchange and
// refresh windows; summarise with `node dist/bench/cpu-profile.js <file> <requests>`.
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;

class TokenServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly ready: TokenServerReady,
  ) {}

  static async start(): Promise<TokenServer> {
    const { child, ready } = await forkServer<TokenServerReady>('token-server');
    return new TokenServer(child, ready);
  }

  ask<K extends keyof TokenServerAnswers>(command: TokenServerCommand & { type: K }): Promise<TokenServerAnswers[K]>;
  ask(command: TokenServerCommand): Promise<unknown>;
  ask(command: TokenServerCommand): Promise<unknown> {
    return new Promise((resolve) => {
      this.child.once('message', resolve);
      this.child.send(command);
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'stop' });
    await exited;
  }
}

interface Window {
  count: number;
  perSecond: number;
  cpuMicrosPerOp: number;
}

interface AutocannonRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest & { body?: string };
  onResponse?: (status: number, body: string) => void;
}
type Autocannon = (options: { url: string; connections: number; amount: number; requests: AutocannonRequest[] }) => Promise<{ requests: { total: number }; duration: number; non2xx: number; errors: number }>;
// autocannon's client is a raw socket and a fast HTTP parser: far cheaper per request than fetch, so on a
// two-core machine the load generator takes less of the CPU the server needs.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const server = await TokenServer.start();
const { url, clientId, redirectUri } = server.ready;
const form = { 'content-type': 'application/x-www-form-urlencoded' };

/** Sends `count` requests over CONCURRENCY connections; the server's throughput and CPU over exactly that window. */
async function measure(count: number, request: AutocannonRequest, profile?: string): Promise<Window> {
  if (profile) await server.ask({ type: 'profile-start' });
  const before = await server.ask({ type: 'stats' });
  // autocannon settles on its one-second tick after the last answer: the window ends at the last answer.
  let lastAnswer = 0;
  const timed: AutocannonRequest = {
    ...request,
    onResponse: (status, body) => {
      lastAnswer = performance.now();
      request.onResponse?.(status, body);
    },
  };
  const started = performance.now();
  const result = await autocannon({ url, connections: CONCURRENCY, amount: count, requests: [timed] });
  const ms = lastAnswer - started;
  const after = await server.ask({ type: 'stats' });
  if (profile) await server.ask({ type: 'profile-stop', file: profile });
  if (result.non2xx || result.errors || result.requests.total !== count) {
    throw new Error(`${request.path}: ${result.requests.total}/${count} answered, ${result.non2xx} non-2xx, ${result.errors} errors`);
  }
  return { count, perSecond: count / (ms / 1000), cpuMicrosPerOp: (after.cpuMicros - before.cpuMicros) / count };
}

const readyz = (count: number) => measure(count, { method: 'GET', path: '/readyz' });

async function exchange(count: number, profile?: string): Promise<{ window: Window; refreshTokens: string[] }> {
  const { codes } = await server.ask({ type: 'codes', count });
  const refreshTokens: string[] = [];
  const window = await measure(
    count,
    {
      method: 'POST',
      path: '/oauth/token',
      headers: form,
      setupRequest: (request) => {
        const { code, verifier } = codes.pop()!;
        return { ...request, body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, redirect_uri: redirectUri, code, code_verifier: verifier }).toString() };
      },
      onResponse: (status, body) => {
        if (status === 200) refreshTokens.push((JSON.parse(body) as { refresh_token: string }).refresh_token);
      },
    },
    profile,
  );
  return { window, refreshTokens };
}

// A rotated token is single use: each request takes a family's current token from the queue and its
// answer puts the successor back. Twice as many families as connections, so a connection never waits.
function refresh(tokens: string[], count: number, profile?: string): Promise<Window> {
  const ready = [...tokens];
  return measure(
    count,
    {
      method: 'POST',
      path: '/oauth/token',
      headers: form,
      setupRequest: (request) => ({ ...request, body: new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, refresh_token: ready.shift()! }).toString() }),
      onResponse: (status, body) => {
        if (status === 200) ready.push((JSON.parse(body) as { refresh_token: string }).refresh_token);
      },
    },
    profile,
  );
}

async function round(codes: number, refreshes: number, profileDir?: string) {
  const baseline = await readyz(READYZ);
  const { window: codeExchange, refreshTokens } = await exchange(codes, profileDir && join(profileDir, 'code-exchange.cpuprofile'));
  const rotation = await refresh(refreshTokens.slice(0, 2 * CONCURRENCY), refreshes, profileDir && join(profileDir, 'refresh.cpuprofile'));
  return { baseline, codeExchange, rotation };
}

const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);
const row = (what: string, windows: Window[], ratio?: number) =>
  console.log(
    `${what.padEnd(44)} ${String(windows[0]!.count).padStart(6)} ${fmt(median(windows.map((w) => w.perSecond)), 0).padStart(7)} ${fmt(median(windows.map((w) => w.cpuMicrosPerOp)), 0).padStart(10)}  ${ratio === undefined ? '' : fmt(ratio, 3)}`,
  );

try {
  await round(Math.min(CODES, 200), Math.min(REFRESHES, 200)); // warm-up: every path compiled and every statement prepared
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) rounds.push(await round(CODES, REFRESHES, i === 0 ? PROFILE_DIR : undefined));
  const exchangeRatio = median(rounds.map((r) => r.codeExchange.perSecond / r.baseline.perSecond));
  const refreshRatio = median(rounds.map((r) => r.rotation.perSecond / r.baseline.perSecond));
  const verification = await server.ask({ type: 'verification', count: VERIFICATIONS });

  console.log(`\nToken endpoint vs GET /readyz — ${server.ready.database}; ${cpus().length} cores; server flags: ${SERVER_NODE_FLAGS.join(' ') || 'none'}`);
  console.log(`server in its own process, ${CONCURRENCY} autocannon connections in this one; ${ROUNDS} rounds after a warm-up; medians\n`);
  console.log(`${'request'.padEnd(44)} ${'count'.padStart(6)} ${'req/s'.padStart(7)} ${'CPU µs/req'.padStart(10)}  ratio`);
  row('GET /readyz (baseline)', rounds.map((r) => r.baseline));
  row('POST /oauth/token authorization_code', rounds.map((r) => r.codeExchange), exchangeRatio);
  row('POST /oauth/token refresh_token (rotation)', rounds.map((r) => r.rotation), refreshRatio);
  const perToken = (ms: number) => `${fmt((ms * 1000) / VERIFICATIONS, 0)} µs`;
  console.log(`\naccess token checks in the server's process, ${VERIFICATIONS} each: signature checked ${perToken(verification.signatureCheckedMs)}; already verified (cache) ${perToken(verification.cachedMs)}; the whole per-request check (JWT + live grant/session/role) ${perToken(verification.perRequestCheckMs)}`);
  console.log(`\ncode exchange/readyz ratio: ${fmt(exchangeRatio, 3)}; refresh/readyz ratio: ${fmt(refreshRatio, 3)}`);
} finally {
  await server.stop();
}
