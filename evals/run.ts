// `npm run evals`: the brief's agent flows against a freshly started server (embedded database, or
// PostgreSQL when DATABASE_URL is set), through real clients and a real browser. One line per check,
// then "N passed, N failed"; exits non-zero when anything failed.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TestSmtpServer } from '../test/support/smtp.js';
import { ROOT, startTestApp } from '../test/support/test-app.js';
import { clientChecks } from './clients.js';
import { flows, prepareWorld } from './flows.js';
import { launchChromium } from './support/chromium.js';

interface Check {
  name: string;
  run(): Promise<void>;
}

const only = process.argv.slice(2);
// The README's screenshots are refreshed on request only, so an ordinary run leaves the tree clean.
const screenshotsDir = process.env.EVALS_SCREENSHOTS_DIR ?? join(ROOT, '.test-data', 'screenshots');
mkdirSync(screenshotsDir, { recursive: true });

// Invitations reach people by mail: the evals read Omar's link from the message he receives.
const smtp = await TestSmtpServer.start();
const server = await startTestApp({ env: { SMTP_URL: smtp.url } });
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let ctx: Awaited<ReturnType<typeof prepareWorld>>;
try {
  chromium = await launchChromium();
  ctx = await prepareWorld(server, smtp, chromium, screenshotsDir);
} catch (error) {
  console.log(`FAIL  setup  ${error instanceof Error ? error.message : String(error)}`);
  await server.close();
  await smtp.stop();
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const checks: Check[] = [
  ...flows.map((f) => ({ name: `flow: ${f.name}`, run: () => f.run(ctx) })),
  ...clientChecks(server, chromium),
].filter((c) => only.length === 0 || only.some((o) => c.name.includes(o)));

let passed = 0;
let failed = 0;
console.log(`evals against ${server.url} (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded database'})`);
for (const check of checks) {
  const started = performance.now();
  let error: unknown;
  try {
    await check.run();
  } catch (e) {
    error = e;
  }
  const ms = Math.round(performance.now() - started);
  if (error === undefined) passed++;
  else failed++;
  console.log(`${error === undefined ? 'PASS' : 'FAIL'}  ${check.name}  (${ms} ms)`);
  if (error !== undefined) console.log(`      ${String(error instanceof Error ? (error.stack ?? error.message) : error).replace(/\n/g, '\n      ')}`);
}

await ctx.close();
await chromium.close();
await server.close();
await smtp.stop();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
