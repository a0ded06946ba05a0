import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { Injectable, Module } from '@nestjs/common';
import { z } from 'zod';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { assertPermission, CurrentPrincipal, McpTool, McpTools, ToolInput, type Permission } from '@app/access';
import { type Principal } from '@app/shared';
import { createOrg, createUser } from './support/fixtures.js';
import { connectWithToken, toolError } from './support/mcp.js';
import { mintAccess } from './support/tokens.js';
import { freePort, freshDataDir, onPostgres, ROOT, startTestApp, unique, type TestApp } from './support/test-app.js';

const run = promisify(execFile);

async function cli(args: string[], env: Record<string, string | undefined>) {
  const node = join(ROOT, 'node_modules/.bin/node');
  try {
    const { stdout, stderr } = await run(node, ['--import', './scripts/app-paths.mjs', 'dist/apps/api/src/cli/cli.js', ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'error', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('server foundation', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('answers liveness and readiness with the database checked; /metrics stays closed by default', async () => {
    const health = await fetch(`${t.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });

    const ready = await fetch(`${t.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready', database: 'ok' });

    // Metrics access is covered in test/metrics.e2e-spec.ts.
    const metrics = await fetch(`${t.url}/metrics`);
    assert.equal(metrics.status, 404);
  });

  it('runs on the database the environment selects', () => {
    assert.equal(t.database.kind, onPostgres ? 'postgres' : 'embedded');
  });
});

describe('configuration', () => {
  it('refuses to start with a bad value and names the variable', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ PORT: 'eighty' }, /PORT/],
      [{ PUBLIC_URL: 'ftp://example.com' }, /PUBLIC_URL/],
      [{ DATABASE_URL: 'mysql://localhost/db' }, /DATABASE_URL/],
      [{ SECRETS_KEY: 'short' }, /SECRETS_KEY/],
      [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
      [{ METRICS_TOKEN: 'short' }, /METRICS_TOKEN/],
      [{ METRICS_PORT: 'nine' }, /METRICS_PORT/],
    ];
    const node = join(ROOT, 'node_modules/.bin/node');
    for (const [env, expected] of cases) {
      const result = await run(node, ['--import', './scripts/app-paths.mjs', 'dist/apps/api/src/main.js'], {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: join(ROOT, '.test-data', 'never-created'), ...env },
      }).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
      assert.equal(result.code, 1, `exit code for ${JSON.stringify(env)}`);
      assert.match(result.stderr, expected);
      assert.match(result.stderr, /Invalid configuration/);
    }
  });
});

describe('CLI', () => {
  let dataDir: string;
  let env: Record<string, string | undefined>;
  before(async () => {
    dataDir = await freshDataDir();
    env = { DATA_DIR: dataDir, DATABASE_URL: process.env.DATABASE_URL };
  });

  it('creates users and organizations and adds members, with clear refusals', async () => {
    const owner = `${unique('owner')}@example.com`;
    const member = `${unique('member')}@example.com`;
    let r = await cli(['users:create', '--email', owner, '--password', 'long enough password', '--name', 'Olivia Owner'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Created user/);

    r = await cli(['users:create', '--email', owner.toUpperCase(), '--password', 'long enough password', '--name', 'Again'], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /email_taken/);

    r = await cli(['users:create', '--email', 'not-an-email', '--password', 'long enough password', '--name', 'X'], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not a valid email/);

    r = await cli(['users:create', '--email', member, '--password', 'long enough password', '--name', 'Mo Member'], env);
    assert.equal(r.code, 0, r.stderr);

    const orgName = unique('Acme ');
    r = await cli(['orgs:create', '--name', orgName, '--owner', owner, '--seats', '7', '--plan', 'team', '--allowed-domains', 'example.com,acme.io'], env);
    assert.equal(r.code, 0, r.stderr);
    const slug = /slug ([a-z0-9-]+)/.exec(r.stdout)?.[1];
    assert.ok(slug, r.stdout);
    assert.match(r.stdout, /plan team, 7 seats/);

    r = await cli(['orgs:create', '--name', 'X', '--owner', 'nobody@example.com'], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /user_not_found/);

    r = await cli(['orgs:add-member', '--org', slug, '--email', member, '--role', 'superuser'], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unknown_role/);

    r = await cli(['orgs:add-member', '--org', 'no-such-org', '--email', member, '--role', 'member'], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /organization_not_found/);

    r = await cli(['orgs:add-member', '--org', slug, '--email', member, '--role', 'admin'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /as admin/);

    r = await cli(['orgs:add-member', '--org', slug, '--email', member, '--role', 'member'], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /already_member/);

    r = await cli(['orgs:create', '--name', 'Y', '--owner', owner, '--seats', 'many'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--seats must be a whole number/);

    r = await cli(['sessions:revoke', '--email', owner], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Revoked 0 session/);
  });

  it('seeds a demo organization with printed credentials, and can run again', async () => {
    const demoEnv = { ...env, DATA_DIR: await freshDataDir() };
    for (let run = 0; run < 2; run++) {
      const r = await cli(['seed:demo'], demoEnv);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Demo organization "Acme Demo" \(slug acme-demo\)/);
      assert.match(r.stdout, /alice@acme\.example\s+demo-\S+\s+owner/);
    }
  });

  it('refuses to open the embedded database while a server holds it', { skip: onPostgres && 'PostgreSQL serves both side by side' }, async () => {
    const t = await startTestApp();
    try {
      const r = await cli(['users:create', '--email', 'x@example.com', '--password', 'long enough password', '--name', 'X'], {
        DATA_DIR: t.config.dataDir,
        DATABASE_URL: undefined,
      });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /in use by process \d+/);
      assert.match(r.stderr, /DATABASE_URL/);
    } finally {
      await t.close();
    }
  });
});

describe('process lifecycle', () => {
  it('shuts down gracefully on SIGTERM: hooks run, the embedded database is released, the process ends', async () => {
    const dataDir = await freshDataDir();
    const port = await freePort();
    const child = spawn(join(ROOT, 'node_modules/.bin/node'), ['--import', './scripts/app-paths.mjs', 'dist/apps/api/src/main.js'], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'error' },
      stdio: 'ignore',
    });
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    for (let i = 0; i < 300; i++) {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
      if (ready) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(existsSync(join(dataDir, 'embedded.lock')), !onPostgres);
    child.kill('SIGTERM');
    // Nest re-raises the signal once its shutdown hooks have run, so the exit reports SIGTERM.
    const { code, signal } = await exited;
    assert.ok(code === 0 || signal === 'SIGTERM', `exit ${code} ${signal}`);
    assert.equal(existsSync(join(dataDir, 'embedded.lock')), false);
  });
});

describe('project layout', () => {
  it('finds a context library by its folder alone: no central file lists the libraries', () => {
    const nest = JSON.parse(readFileSync(join(ROOT, 'nest-cli.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(nest.sourceRoot, 'apps/api/src');
    assert.equal(nest.projects, undefined, 'nest-cli.json needs no block per library');
    const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
    assert.deepEqual(tsconfig.compilerOptions.paths, { '@app/*': ['./libs/*/src/index.ts'] });
    const registries = ['nest-cli.json', 'tsconfig.json', 'package.json', 'scripts/app-paths.mjs'].map((f) => readFileSync(join(ROOT, f), 'utf8'));
    const appModule = readFileSync(join(ROOT, 'apps/api/src/app.module.ts'), 'utf8');
    for (const lib of readdirSync(join(ROOT, 'libs'))) {
      assert.ok(existsSync(join(ROOT, 'libs', lib, 'src', 'index.ts')), `${lib}/src/index.ts`);
      for (const text of registries) assert.ok(!new RegExp(`["/@]${lib}\\b`).test(text), `${lib} is named in a central file`);
      // A resource area is wired by one import line; shared is the kit every area uses, not an area.
      if (lib !== 'shared') assert.equal(appModule.match(new RegExp(`from '@app/${lib}'`, 'g'))?.length, 1, `one import of @app/${lib} in app.module.ts`);
    }
  });

  it('lets contexts import each other only through @app/<context>', () => {
    const offenders: string[] = [];
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === 'generated' ? [] : walk(join(dir, e.name))) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
    for (const file of walk(join(ROOT, 'libs'))) {
      const lib = file.slice(join(ROOT, 'libs').length + 1).split('/')[0];
      for (const match of readFileSync(file, 'utf8').matchAll(/from '(\.\.\/[^']+)'/g)) {
        const target = join(file, '..', match[1]!);
        const targetLib = target.startsWith(join(ROOT, 'libs')) ? target.slice(join(ROOT, 'libs').length + 1).split('/')[0] : 'outside';
        if (targetLib !== lib) offenders.push(`${file.slice(ROOT.length + 1)} -> ${match[1]}`);
      }
    }
    assert.deepEqual(offenders, []);
  });
});

// A throw-away resource area shaped like libs/workers: its permissions declared inside it, a use case,
// thin tools, a module that only wires. Mounting it the way the import line in app.module.ts does must
// be all it takes for the gateway to serve its tools with their permission checked.
const gadgetPermissions = { list_gadgets: 'catalog:read', create_gadget: 'catalog:write' } as const satisfies Record<string, Permission>;
const listGadgetsInput = z.object({ prefix: z.string().max(20).default('').describe('Only gadgets whose name starts with this') });
const createGadgetInput = z.object({ name: z.string().min(1).max(50).describe('The gadget name') });

@Injectable()
class GadgetsService {
  private readonly names: string[] = [];
  list(principal: Principal, input: { prefix: string }) {
    assertPermission(principal, gadgetPermissions.list_gadgets);
    return { items: this.names.filter((n) => n.startsWith(input.prefix)).map((name) => ({ name })), nextCursor: null };
  }
  create(principal: Principal, input: { name: string }) {
    assertPermission(principal, gadgetPermissions.create_gadget);
    this.names.push(input.name);
    return { name: input.name };
  }
}

@McpTools({ toolset: 'runtime' })
class GadgetsTools {
  constructor(private readonly gadgets: GadgetsService) {}

  @McpTool({
    name: 'list_gadgets',
    description: 'Lists the gadgets of this throw-away area, to prove an area needs no central registration.',
    permission: gadgetPermissions.list_gadgets,
    input: listGadgetsInput,
    output: z.object({ items: z.array(z.object({ name: z.string() })), nextCursor: z.string().nullable() }),
    title: 'List gadgets',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  list(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof listGadgetsInput>) {
    return this.gadgets.list(principal, input);
  }

  @McpTool({
    name: 'create_gadget',
    description: 'Creates a gadget in this throw-away area, to prove an area needs no central registration.',
    permission: gadgetPermissions.create_gadget,
    input: createGadgetInput,
    output: z.object({ name: z.string() }),
    title: 'Create gadget',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  create(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof createGadgetInput>) {
    return this.gadgets.create(principal, input);
  }
}

@Module({ controllers: [GadgetsTools], providers: [GadgetsService] })
class GadgetsModule {}

describe('adding a resource area', () => {
  it('serves a new area\'s tools, permission-checked, from its module import alone', async () => {
    const t = await startTestApp({ areas: [GadgetsModule] });
    try {
      const owner = await createUser(t);
      const org = await createOrg(t, owner);
      const client = await connectWithToken(t.url, (await mintAccess(t, owner, org.id)).token);
      const names = (await client.listTools()).tools.map((tool) => tool.name);
      assert.ok(names.includes('list_gadgets') && names.includes('create_gadget'));
      assert.ok(names.includes('list_workers'), 'the built-in areas are still there');
      assert.deepEqual((await client.callTool({ name: 'create_gadget', arguments: { name: 'sprocket' } })).structuredContent, { name: 'sprocket' });
      assert.deepEqual((await client.callTool({ name: 'list_gadgets', arguments: { prefix: 'spr' } })).structuredContent, { items: [{ name: 'sprocket' }], nextCursor: null });
      const bad = await client.callTool({ name: 'create_gadget', arguments: { name: '' } });
      assert.equal(toolError(bad as CallToolResult).code, 'invalid_input');
      await client.close();

      const readOnly = await connectWithToken(t.url, (await mintAccess(t, owner, org.id, 'mcp:read')).token);
      assert.ok(!(await readOnly.listTools()).tools.some((tool) => tool.name === 'create_gadget'), 'the scope follows the annotations');
      await readOnly.close();
    } finally {
      await t.close();
    }
  });
});
