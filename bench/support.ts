import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../test/support/test-app.js';

const run = promisify(execFile);

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** Drives a URL with autocannon in its own process, so the load never shares the server's event loop. */
export async function load(url: string, options: { body: string; headers: Record<string, string>; connections: number; seconds: number }): Promise<LoadResult> {
  const args = [join(ROOT, 'node_modules/autocannon/autocannon.js'), '--json', '-m', 'POST', '-c', String(options.connections), '-d', String(options.seconds), '-b', options.body];
  for (const [name, value] of Object.entries(options.headers)) args.push('-H', `${name}=${value}`);
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
