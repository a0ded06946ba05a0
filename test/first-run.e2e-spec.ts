import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { FirstRunService } from '@app/onboarding';
import { applyMigrations, openDatabase, PrismaService } from '@app/shared';
import { createOrg, createUser } from './support/fixtures.js';
import { Browser, formWithButton, signIn } from './support/oauth-flow.js';
import { assertPageHeaders, submitForm } from './support/pages.js';
import { freePort, onPostgres, ROOT, startTestApp, unique, type TestApp } from './support/test-app.js';

const OWNER = { Name: 'Ada First', Password: 'correct horse battery', 'Organization name': 'First Light' };

describe('first-run setup', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ ownDatabase: true });
  });
  after(() => t?.close());

  const users = () => t.get(PrismaService).user.count();

  it('answers 404 to a missing, wrong, malformed or replaced token, and changes nothing', async () => {
    const replaced = await t.get(FirstRunService).openSetup();
    const link = await t.get(FirstRunService).openSetup();
    assert.ok(replaced && link && replaced !== link);
    const token = new URL(link).searchParams.get('token')!;
    for (const path of [
      '/setup',
      '/setup?token=',
      `/setup?token=${'A'.repeat(43)}`,
      `/setup?token=${token.slice(0, -1)}`,
      `/setup?token=${token}x`,
      `/setup?token=${encodeURIComponent(`${token}' OR '1'='1`)}`,
      `/setup?token[]=${token}`,
      new URL(replaced).pathname + new URL(replaced).search,
    ]) {
      const res = await fetch(`${t.url}${path}`);
      assert.equal(res.status, 404, path);
      assertPageHeaders(res);
      assert.ok(!(await res.text()).includes('Create owner'));
    }
    const browser = new Browser(t.url);
    for (const wrong of ['', 'nope', `${token}x`, new URL(replaced).searchParams.get('token')!]) {
      const res = await browser.post('/setup', { token: wrong, name: 'Mallory', email: 'mallory@example.com', password: 'correct horse battery', organizationName: 'Evil' });
      assert.equal(res.status, 404);
    }
    assert.equal(await users(), 0);
  });

  it('creates the first owner (verified) and organization from the link, signs them in, and is gone for good', async () => {
    const link = (await t.get(FirstRunService).openSetup())!;
    const path = new URL(link).pathname + new URL(link).search;
    const browser = new Browser(t.url);
    const page = await browser.get(path);
    assert.equal(page.status, 200);
    assertPageHeaders(page);
    const form = formWithButton(await page.text(), 'Create owner');
    assert.deepEqual(form.inputs.filter((i) => i.type !== 'hidden').map((i) => i.label), ['Name', 'Email', 'Password', 'Organization name']);

    // Bad input: a clear message, nothing created, the link still works.
    const email = `${unique('owner')}@example.com`;
    for (const [values, message] of [
      [{ ...OWNER, Email: email, Password: 'short' }, /password must be 10-256 characters/],
      [{ ...OWNER, Email: 'not-an-address' }, /not a valid email address/],
      [{ ...OWNER, Email: email, Name: '   ' }, /Invalid name: use 1-100 printable characters/],
      [{ ...OWNER, Email: email, 'Organization name': '' }, /Invalid organization name: use 1-100 printable characters/],
      [{ ...OWNER, Email: email, 'Organization name': 'x'.repeat(101) }, /Invalid organization name: use 1-100 printable characters/],
    ] as const) {
      const res = await submitForm(browser, path, 'Create owner', values);
      assert.equal(res.status, 400, JSON.stringify(values));
      assert.match(await res.text(), message);
    }
    const forged = await submitForm(browser, path, 'Create owner', { ...OWNER, Email: email }, { dropCsrf: true });
    assert.equal(forged.status, 403);
    assert.equal(await users(), 0);

    const res = await submitForm(browser, path, 'Create owner', { ...OWNER, Email: email });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/');
    const account = await browser.get('/account');
    assert.equal(account.status, 200);
    assert.match(await account.text(), new RegExp(email));
    const owner = await t.get(PrismaService).user.findUniqueOrThrow({ where: { email }, include: { memberships: { include: { organization: true } } } });
    assert.ok(owner.emailVerifiedAt);
    assert.deepEqual(owner.memberships.map((m) => [m.role, m.organization.name]), [['owner', 'First Light']]);

    // Gone: the used link, any other token, and new links.
    assert.equal((await browser.get(path)).status, 404);
    assert.equal((await new Browser(t.url).post('/setup', { token: new URL(link).searchParams.get('token')!, ...OWNER })).status, 404);
    assert.equal(await t.get(FirstRunService).openSetup(), null);
    assert.equal(await users(), 1);
  });
});

describe('first run from a fresh start', () => {
  let dataDir: string;
  let databaseUrl: string | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'owmcp-first-run-'));
    if (onPostgres) {
      const name = `owmcp_first_run_${unique().toLowerCase()}`;
      const admin = new URL(process.env.DATABASE_URL!);
      admin.pathname = '/postgres';
      const query = async (sql: string) => {
        const client = new pg.Client({ connectionString: admin.href });
        await client.connect();
        await client.query(sql).finally(() => client.end());
      };
      await query(`CREATE DATABASE "${name}"`);
      const url = new URL(process.env.DATABASE_URL!);
      url.pathname = `/${name}`;
      databaseUrl = url.href;
      dropDatabase = () => query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });
  after(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await dropDatabase?.();
  });

  it('logs one "Create the first owner" line with the setup link, and the link leads to a signed-in owner without a restart', async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const child = spawn(join(ROOT, 'node_modules/.bin/node'), ['--import', './scripts/app-paths.mjs', 'dist/apps/api/src/main.js'], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), PUBLIC_URL: publicUrl, DATA_DIR: dataDir, LOG_LEVEL: 'info', DATABASE_URL: databaseUrl ?? '', SMTP_URL: '', REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const messages: { level: number; msg: string }[] = [];
      const lines = createInterface({ input: child.stdout! });
      await new Promise<void>((resolve, reject) => {
        // Generous: a cold start on a loaded CI machine (migrations on a fresh database) can take a minute.
        const timer = setTimeout(() => reject(new Error(`no "listening" line; saw:\n${messages.map((m) => m.msg).join('\n')}`)), 180_000);
        lines.on('line', (line) => {
          try {
            messages.push(JSON.parse(line) as { level: number; msg: string });
          } catch {
            return;
          }
          if (messages.at(-1)!.msg.includes('listening on')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const setupLines = messages.filter((m) => m.msg.startsWith('Create the first owner: '));
      assert.equal(setupLines.length, 1);
      assert.equal(setupLines[0]!.level, 30, 'info level');
      const link = setupLines[0]!.msg.slice('Create the first owner: '.length);
      assert.match(link, new RegExp(`^${publicUrl}/setup\\?token=[A-Za-z0-9_-]{43}$`));
      assert.ok(messages.some((m) => m.msg === `No SMTP_URL: mail is written as .eml files to ${join(dataDir, 'outbox')}`));

      const browser = new Browser(publicUrl);
      const res = await submitForm(browser, link, 'Create owner', { ...OWNER, Email: 'first@example.com' });
      assert.equal(res.status, 303);
      assert.equal((await browser.get('/account')).status, 200);
      assert.equal((await browser.get(link)).status, 404);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });
});

describe('front page', () => {
  let t: TestApp;
  let open: TestApp;
  before(async () => {
    t = await startTestApp();
    open = await startTestApp({ env: { SIGN_UP: 'open' } });
  });
  after(async () => {
    await open?.close();
    await t?.close();
  });

  it('says what the server is, gives the MCP URL with the client lines, and links to sign in, account and billing', async () => {
    const res = await fetch(`${t.url}/`);
    assert.equal(res.status, 200);
    assertPageHeaders(res);
    const text = (await res.text()).replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)));
    const mcp = `${t.url}/mcp`;
    assert.ok(text.includes(`<pre>${mcp}</pre>`));
    assert.ok(text.includes(`claude mcp add --transport http openwork-cloud ${mcp}`));
    assert.ok(text.includes(JSON.stringify({ mcpServers: { 'openwork-cloud': { url: mcp } } })));
    assert.ok(text.includes(`npx @modelcontextprotocol/inspector --cli ${mcp} --transport http --method tools/list`));
    assert.ok(text.includes(JSON.stringify({ mcpServers: { 'openwork-cloud': { command: 'npx', args: ['mcp-remote', mcp, '--allow-http'] } } })));
    for (const href of ['/sign-in', '/account', '/billing']) assert.ok(text.includes(`href="${href}"`), href);
    assert.ok(!text.includes('href="/sign-up"'), 'no sign-up link while sign-up is invite-only');
    assert.ok(!text.includes('<script'));

    const openPage = await (await fetch(`${open.url}/`)).text();
    assert.ok(openPage.includes('href="/sign-up"'));
  });

  it('greets a signed-in user by address', async () => {
    const user = await createUser(t, { email: `${unique('front')}@example.com`, name: '<b>Bold</b>' });
    await createOrg(t, user);
    const browser = new Browser(t.url);
    assert.equal((await signIn(browser, '/sign-in', user.email)).status, 303);
    const page = await (await browser.get('/')).text();
    assert.ok(page.includes(`Signed in as <strong>${user.email}</strong>`));
  });
});

describe('the identity migration', () => {
  it('marks every account that existed before it as verified', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'owmcp-migration-'));
    const database = await openDatabase({ dataDir: dir, databaseUrl: undefined });
    try {
      await applyMigrations(database.adapterFactory, { through: '20261124000018_init' });
      const prisma = new PrismaService(database);
      await prisma.$executeRaw`INSERT INTO "User" (id, email, name, "passwordHash", "createdAt", "updatedAt") VALUES ('u1', 'old@example.com', 'Old', 'x', '2026-01-02T03:04:05Z', now())`;
      await applyMigrations(database.adapterFactory);
      const [row] = await prisma.$queryRaw<{ emailVerifiedAt: Date | null }[]>`SELECT "emailVerifiedAt" FROM "User" WHERE id = 'u1'`;
      assert.equal(row!.emailVerifiedAt?.toISOString(), '2026-01-02T03:04:05.000Z');
      await prisma.$disconnect();
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
