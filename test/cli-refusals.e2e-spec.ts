import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { freePort, freshDataDir, onPostgres, ROOT, startTestApp } from './support/test-app.js';

const run = promisify(execFile);

async function cli(args: string[], env: Record<string, string | undefined>, via: 'node' | 'npm' = 'node') {
  const [file, argv] =
    via === 'npm'
      ? ['npm', ['run', '--silent', 'cli', '--', ...args]]
      : [join(ROOT, 'node_modules/.bin/node'), ['--import', './scripts/app-paths.mjs', 'dist/apps/api/src/cli/cli.js', ...args]];
  try {
    const { stdout, stderr } = await run(file, argv, { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'info', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// One clear line: the reason and what to do, no stack trace, no framework noise.
function assertOneLineRefusal(r: { code: number; stderr: string }, code: number, says: RegExp) {
  assert.equal(r.code, code, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0]!, says);
  assert.doesNotMatch(r.stderr, /^\s+at |Error:|ExceptionHandler|\[Nest\]/m);
}

describe('CLI refusals', () => {
  let env: Record<string, string | undefined>;
  before(async () => {
    env = { DATA_DIR: await freshDataDir(), DATABASE_URL: process.env.DATABASE_URL };
  });

  it('an unknown command', async () => {
    assertOneLineRefusal(await cli(['users:delete'], env), 2, /Unknown command "users:delete"\. Commands: .*users:create/);
  });

  it('a missing or malformed option', async () => {
    assertOneLineRefusal(await cli(['users:create', '--email', 'a@example.com'], env), 2, /--password is required\. Usage: npm run cli -- users:create/);
    assertOneLineRefusal(await cli(['orgs:create', '--name', 'X', '--owner', 'a@example.com', '--seats', 'many'], env), 2, /--seats must be a whole number/);
    assertOneLineRefusal(await cli(['users:create', 'stray'], env), 2, /Unexpected argument "stray"/);
  });

  it('a rule of the domain', async () => {
    assertOneLineRefusal(await cli(['orgs:create', '--name', 'X', '--owner', 'nobody@example.com'], env), 1, /^Error \(user_not_found\)/);
  });

  it('a bad configuration value, named', async () => {
    assertOneLineRefusal(await cli(['keys:rotate'], { ...env, LOG_LEVEL: 'loud' }), 1, /LOG_LEVEL/);
    assertOneLineRefusal(await cli(['keys:rotate'], { ...env, DATABASE_URL: 'mysql://localhost/db' }), 1, /DATABASE_URL/);
  });

  it('a database that does not answer', async () => {
    const port = await freePort();
    assertOneLineRefusal(await cli(['keys:rotate'], { ...env, DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/nothing` }), 1, /^Could not open the database: /);
  });

  describe('the embedded database held by a running server', { skip: onPostgres && 'PostgreSQL serves both side by side' }, () => {
    let server: Awaited<ReturnType<typeof startTestApp>>;
    before(async () => {
      server = await startTestApp();
    });
    after(() => server.close());

    it('through `npm run cli` too: one line, exit 1', async () => {
      const busy = { DATA_DIR: server.config.dataDir, DATABASE_URL: undefined };
      assertOneLineRefusal(await cli(['users:create', '--email', 'x@example.com', '--password', 'long enough password', '--name', 'X'], busy), 1, /in use by process \d+.*DATABASE_URL/);
      assertOneLineRefusal(await cli(['keys:rotate'], busy, 'npm'), 1, /in use by process \d+/);
    });
  });
});
