import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Clock } from '@app/shared';
import { freshDataDir, onPostgres, POSTGRES_TEST_SECRETS_KEY, ROOT, startTestApp, type TestApp } from './support/test-app.js';

const run = promisify(execFile);

async function cli(args: string[], env: Record<string, string | undefined>) {
  const node = join(ROOT, 'node_modules/.bin/node');
  return run(node, ['--import', './scripts/app-paths.mjs', 'dist/apps/api/src/cli/cli.js', ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'error', ...env } });
}

const kids = async (t: TestApp): Promise<string[]> => ((await (await fetch(`${t.url}/oauth/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);

describe('keys:rotate', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('forces a rotation that a running server on the same database publishes', { skip: !onPostgres && 'the embedded database serves one process; see the next test' }, async () => {
    const before = await kids(t);
    const { stdout } = await cli(['keys:rotate'], { DATABASE_URL: process.env.DATABASE_URL, SECRETS_KEY: POSTGRES_TEST_SECRETS_KEY, DATA_DIR: t.config.dataDir });
    const active = /New signing key ([0-9a-f-]{36})/.exec(stdout)?.[1];
    assert.ok(active, stdout);
    t.get(Clock).advance(31_000); // past the server's key cache
    const after = await kids(t);
    assert.ok(after.includes(active));
    for (const kid of before) assert.ok(after.includes(kid), 'the retired key stays published');
  });

  it('rotates on a fresh embedded data directory and names the retired key', { skip: onPostgres && 'covered against the running server above' }, async () => {
    const env = { DATA_DIR: await freshDataDir(), DATABASE_URL: undefined };
    const first = await cli(['keys:rotate'], env);
    const firstKid = /New signing key ([0-9a-f-]{36})/.exec(first.stdout)?.[1];
    assert.ok(firstKid, first.stdout);
    const second = await cli(['keys:rotate'], env);
    assert.match(second.stdout, new RegExp(`Key ${firstKid} stopped signing; it stays in the JWKS for 1 hour`));
  });
});
