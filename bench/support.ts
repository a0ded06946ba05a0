import { execFile, fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../test/support/server-node-flags.js';
import { ROOT } from '../test/support/test-app.js';

const run = promisify(execFile);

/**
 * Starts a benchmark's server (`dist/bench/<script>.js`) in its own process, with the Node flags and
 * environment `npm start` gives the server; resolves once it sends its first message (it is ready).
 */
export async function forkServer<Ready>(script: string, extraNodeFlags: string[] = []): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = fork(join(ROOT, `dist/bench/${script}.js`), [], {
    cwd: ROOT,
    env: { ...process.env, ...SERVER_ENV },
    execArgv: [...SERVER_NODE_FLAGS, '--import', './scripts/app-paths.mjs', ...extraNodeFlags],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('message', (message) => resolve(message as Ready));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { child, ready };
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

export interface LoadOptions {
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
  connections: number;
  /** Run for this many seconds, or until `amount` requests have been answered. */
  seconds?: number;
  amount?: number;
}

/** Drives a URL with autocannon in its own process, so the load never shares the server's event loop. */
export async function load(url: string, options: LoadOptions): Promise<LoadResult> {
  const args = [join(ROOT, 'node_modules/autocannon/autocannon.js'), '--json', '-m', options.method ?? 'POST', '-c', String(options.connections)];
  if (options.amount !== undefined) args.push('-a', String(options.amount));
  else args.push('-d', String(options.seconds ?? 10));
  if (options.body !== undefined) args.push('-b', options.body);
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}=${value}`);
  args.push(url);
  const { stdout } = await run(join(ROOT, 'node_modules/.bin/node'), args, { maxBuffer: 64 * 1024 * 1024 });
  const json = JSON.parse(stdout);
  return {
    requests: json.requests.total,
    rps: json.requests.average,
    p50: json.latency.p50,
    p99: json.latency.p99,
    non2xx: json.non2xx,
    errors: json.errors,
  };
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function fmt(n: number, digits = 2): string {
  return n.toFixed(digits);
}
