// Shared by the scale-out run (cluster.ts) and the fault run (faults.ts): a fresh PostgreSQL database,
// server instances as separate processes on their own ports, and MCP clients that load them.
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../support/server-node-flags.js';

export const ROOT = new URL('../../../', import.meta.url).pathname;
const PG_ADMIN = process.env.CLUSTER_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function createDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = PG_ADMIN.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * Ends every database connection the named processes hold (their `application_name`), as an operator's
 * pg_terminate_backend or a restarted pooler would; answers how many it ended.
 */
export async function terminateConnections(names: string[]): Promise<number> {
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ ended: string }>(
      'SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS ended FROM pg_stat_activity WHERE application_name = ANY($1)',
      [names],
    );
    return Number(rows[0]!.ended);
  } finally {
    await admin.end();
  }
}

// Server processes started by this run end with it, also when it is interrupted.
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

export interface Instance {
  url: string;
  process: ChildProcess;
  /** Its database connections' application_name (pg_stat_activity), one per started process. */
  name: string;
  /** From spawning the process to /readyz answering 200. */
  readyMs: number;
  stop(): Promise<void>;
}

let started = 0;

/** One server process (dist/apps/api/src/main.js), ready when /readyz says so. */
export async function startInstance(port: number, env: Record<string, string>): Promise<Instance> {
  const spawned = performance.now();
  // Each process names its connections, so what a killed one left in pg_locks can be told apart.
  const name = `owmcp-${port}-${++started}`;
  const databaseUrl = env.DATABASE_URL ? new URL(env.DATABASE_URL) : undefined;
  databaseUrl?.searchParams.set('application_name', name);
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, '--import', './scripts/app-paths.mjs', 'dist/apps/api/src/main.js'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...SERVER_ENV,
      ...env,
      ...(databaseUrl && { DATABASE_URL: databaseUrl.href }),
      PORT: String(port),
      LOG_LEVEL: process.env.CLUSTER_LOG_LEVEL ?? 'error',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.add(child);
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let waited = 0; ; waited += 100) {
    if (child.exitCode !== null) throw new Error(`instance on ${port} exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (waited > 60_000) throw new Error(`instance on ${port} not ready after 60 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    process: child,
    name,
    readyMs: performance.now() - spawned,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

export interface CallOutcome {
  status: number;
  ms: number;
  /** The tool result's error code when the call reached a tool and failed there. */
  toolError?: string;
  result?: Record<string, any>;
  /** The tool error's details (e.g. already_exists names the existing id). */
  errorDetails?: Record<string, any>;
  retryAfter: string | null;
  startedAt: number;
  endedAt: number;
}

let rpcId = 1;

/** One stateless MCP tools/call; the response may be JSON or one SSE event. */
export async function callTool(baseUrl: string, token: string, name: string, args: Record<string, unknown>, timeoutMs = 15_000): Promise<CallOutcome> {
  const startedAt = performance.now();
  try {
    const res = await fetch(`${baseUrl}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18', authorization: `Bearer ${token}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: rpcId++, method: 'tools/call', params: { name, arguments: args } }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    const endedAt = performance.now();
    const outcome: CallOutcome = { status: res.status, ms: endedAt - startedAt, retryAfter: res.headers.get('retry-after'), startedAt, endedAt };
    if (res.status === 200) {
      const payload = (res.headers.get('content-type') ?? '').includes('text/event-stream')
        ? text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('')
        : text;
      const message = JSON.parse(payload);
      const result = message.result;
      if (!result) outcome.toolError = `jsonrpc_${message.error?.code}`;
      else if (result.isError) {
        const error = errorOf(result.content);
        outcome.toolError = error?.code ?? 'unstructured';
        outcome.errorDetails = error?.details;
      }
      else outcome.result = result.structuredContent;
    }
    return outcome;
  } catch (error) {
    const endedAt = performance.now();
    // A refused or reset connection: counted as status 0, never silently dropped.
    return { status: 0, ms: endedAt - startedAt, retryAfter: null, startedAt, endedAt, toolError: (error as Error).name };
  }
}

export class Stats {
  readonly latencies: number[] = [];
  readonly byStatus = new Map<string, number>();
  requests = 0;

  add(outcome: CallOutcome): void {
    this.requests++;
    this.latencies.push(outcome.ms);
    const key = outcome.toolError ? `${outcome.status} ${outcome.toolError}` : String(outcome.status);
    this.byStatus.set(key, (this.byStatus.get(key) ?? 0) + 1);
  }

  percentile(p: number): number {
    if (!this.latencies.length) return 0;
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  }

  count(predicate: (key: string) => boolean): number {
    let n = 0;
    for (const [key, value] of this.byStatus) if (predicate(key)) n += value;
    return n;
  }

  print(label: string, seconds: number): void {
    console.log(`\n${label}`);
    console.log(`  requests      ${this.requests} in ${seconds.toFixed(1)} s (${(this.requests / seconds).toFixed(0)} req/s)`);
    console.log(`  latency       p50 ${this.percentile(50).toFixed(1)} ms, p99 ${this.percentile(99).toFixed(1)} ms`);
    const rows = [...this.byStatus].sort((a, b) => b[1] - a[1]);
    console.log(`  by status     ${rows.map(([k, v]) => `${k}: ${v}`).join(', ')}`);
  }
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** Prints every check and exits non-zero when one failed. */
export function finish(checks: Check[]): void {
  console.log('');
  for (const c of checks) console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  const failed = checks.filter((c) => !c.ok).length;
  console.log(`\n${checks.length - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

/** The `error.code` of an error result's JSON text content (the envelope), if it has one. */
function errorOf(content: Array<{ type: string; text?: string }> | undefined): { code?: string; details?: Record<string, any> } | undefined {
  const text = content?.find((item) => item.type === 'text')?.text;
  try {
    return text === undefined ? undefined : (JSON.parse(text) as { error?: { code?: string; details?: Record<string, any> } }).error;
  } catch {
    return undefined;
  }
}
