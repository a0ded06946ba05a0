// Start-up time of the real server on the embedded database, measured from the command until /readyz
// answers 200: cold (no DATA_DIR yet: initdb, key file, migrations), warm direct (`node … main.js`, the
// built server) and warm `npm start` (which first checks whether a rebuild is needed). Warm runs
// alternate between the two, so machine load hits both alike; target: npm start ≤ 1.5 × direct.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../test/support/server-node-flags.js';
import { freePort, ROOT } from '../test/support/test-app.js';
import { fmt } from './support.js';

const WARM_RUNS = Number(process.env.BENCH_RUNS ?? 3);
type Launcher = 'direct' | 'npm start';

async function startOnce(dataDir: string, launcher: Launcher): Promise<{ readyMs: number; stopMs: number }> {
  const port = await freePort();
  const env = { ...process.env, ...SERVER_ENV, PORT: String(port), DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'error' };
  const started = performance.now();
  // Its own process group, so stopping reaches npm, the shell and the server alike.
  const child =
    launcher === 'direct'
      ? spawn(join(ROOT, 'node_modules/.bin/node'), [...SERVER_NODE_FLAGS, '--import', './scripts/app-paths.mjs', 'dist/apps/api/src/main.js'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'], detached: true })
      : spawn('npm', ['start', '--silent'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${launcher} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const readyMs = performance.now() - started;
  const stopping = performance.now();
  process.kill(-child.pid!, 'SIGTERM');
  await exited;
  // The server may outlive npm by its shutdown; the next start needs the embedded database free.
  while (existsSync(join(dataDir, 'embedded.lock'))) await new Promise((r) => setTimeout(r, 20));
  return { readyMs, stopMs: performance.now() - stopping };
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

const dataDir = mkdtempSync(join(tmpdir(), 'owmcp-startup-'));
try {
  rmSync(dataDir, { recursive: true });
  const cold = await startOnce(dataDir, 'direct');
  const warm: Record<Launcher, number[]> = { direct: [], 'npm start': [] };
  let stop = cold.stopMs;
  for (let i = 0; i < WARM_RUNS; i++) {
    for (const launcher of (i % 2 ? ['npm start', 'direct'] : ['direct', 'npm start']) as Launcher[]) {
      const run = await startOnce(dataDir, launcher);
      warm[launcher].push(run.readyMs);
      stop = Math.max(stop, run.stopMs);
    }
  }
  const direct = mean(warm.direct);
  const npmStart = mean(warm['npm start']);
  console.log(`cold start (new DATA_DIR, direct): ${fmt(cold.readyMs, 0)} ms to ready`);
  console.log(`warm start, direct node dist/…/main.js (${WARM_RUNS} runs): ${warm.direct.map((w) => fmt(w, 0)).join(', ')} ms; mean ${fmt(direct, 0)} ms`);
  console.log(`warm start, npm start, sources unchanged (${WARM_RUNS} runs): ${warm['npm start'].map((w) => fmt(w, 0)).join(', ')} ms; mean ${fmt(npmStart, 0)} ms`);
  console.log(`npm start / direct: ${fmt(npmStart / direct)} (target <= 1.50); warm/cold ${fmt(direct / cold.readyMs)}; graceful stop: max ${fmt(stop, 0)} ms`);
  if (npmStart / direct > 1.5) process.exitCode = 1;
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
