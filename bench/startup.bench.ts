// Start-up time of the real server on the embedded database: cold (no DATA_DIR yet: initdb, key
// file, migrations) and warm (existing data), measured until /readyz answers 200.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ROOT } from '../test/support/test-app.js';
import { fmt } from './support.js';

const WARM_RUNS = Number(process.env.BENCH_RUNS ?? 3);

async function startOnce(dataDir: string): Promise<{ readyMs: number; stopMs: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(join(ROOT, 'node_modules/.bin/node'), ['--import', './scripts/app-paths.mjs', 'dist/apps/api/src/main.js'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'error' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const readyMs = performance.now() - started;
  const stopping = performance.now();
  child.kill('SIGTERM');
  await exited;
  return { readyMs, stopMs: performance.now() - stopping };
}

const dataDir = mkdtempSync(join(tmpdir(), 'owmcp-startup-'));
try {
  rmSync(dataDir, { recursive: true });
  const cold = await startOnce(dataDir);
  const warm: number[] = [];
  let stop = cold.stopMs;
  for (let i = 0; i < WARM_RUNS; i++) {
    const run = await startOnce(dataDir);
    warm.push(run.readyMs);
    stop = Math.max(stop, run.stopMs);
  }
  const warmAvg = warm.reduce((a, b) => a + b, 0) / warm.length;
  console.log(`cold start (new DATA_DIR): ${fmt(cold.readyMs, 0)} ms to ready`);
  console.log(`warm start (existing data, ${WARM_RUNS} runs): ${warm.map((w) => fmt(w, 0)).join(', ')} ms; mean ${fmt(warmAvg, 0)} ms`);
  console.log(`warm/cold ratio: ${fmt(warmAvg / cold.readyMs)}; graceful stop (SIGTERM to exit): max ${fmt(stop, 0)} ms`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
