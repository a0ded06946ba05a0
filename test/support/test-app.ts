import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { INestApplication, Type } from '@nestjs/common';
import { applyMigrations, DATABASE, loadConfig, openDatabase, type AppConfig, type Database } from '@app/shared';
import { createApp } from '../../apps/api/src/bootstrap.js';

export const ROOT = resolve(import.meta.dirname, '../../..');
const TEST_DATA = join(ROOT, '.test-data');
export const onPostgres = Boolean(process.env.DATABASE_URL);

export interface TestApp {
  app: INestApplication;
  url: string;
  config: AppConfig;
  database: Database;
  get<T>(token: abstract new (...args: never[]) => T): T;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

// initdb on PGlite costs seconds; every test app starts from a copy of one migrated template, named after
// the migrations it holds so that a new migration never meets a stale copy.
function migrationsDigest(): string {
  const folder = join(ROOT, 'prisma', 'migrations');
  const hash = createHash('sha256');
  for (const name of readdirSync(folder).sort()) {
    const sql = join(folder, name, 'migration.sql');
    if (existsSync(sql)) hash.update(name).update(readFileSync(sql));
  }
  return hash.digest('hex').slice(0, 16);
}

async function embeddedTemplate(): Promise<string> {
  const template = join(TEST_DATA, `template-${migrationsDigest()}`);
  const ready = join(template, '.ready');
  const lock = `${template}.lock`;
  mkdirSync(TEST_DATA, { recursive: true });
  for (let waited = 0; !existsSync(ready); waited += 200) {
    try {
      mkdirSync(lock);
    } catch {
      if (waited > 120_000) throw new Error(`Timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    try {
      rmSync(template, { recursive: true, force: true });
      const database = await openDatabase({ dataDir: template, databaseUrl: undefined });
      await applyMigrations(database.adapterFactory);
      await database.close();
      writeFileSync(ready, new Date().toISOString());
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return template;
}

export async function freshDataDir(): Promise<string> {
  mkdirSync(TEST_DATA, { recursive: true });
  const dir = mkdtempSync(join(TEST_DATA, 'app-'));
  if (!onPostgres) cpSync(await embeddedTemplate(), dir, { recursive: true });
  rmSync(join(dir, '.ready'), { force: true });
  return dir;
}

// Every test process on one PostgreSQL database shares its signing keys, so all must open them with the
// same SECRETS_KEY (as production instances sharing a database must); the embedded runs stay isolated.
export const POSTGRES_TEST_SECRETS_KEY = createHash('sha256').update(`openwork-tests:${process.env.DATABASE_URL ?? ''}`).digest('hex');

export interface TestAppOptions {
  /** Reuse another test app's database: a second server instance on the same data. */
  sharing?: TestApp;
  /**
   * On PostgreSQL, a database of its own instead of the suite's shared one: for tests that need an
   * empty server (first-run setup) or an outbox no other test's senders drain. Embedded runs always have one.
   */
  ownDatabase?: boolean;
  env?: Record<string, string>;
  /** Resource areas mounted beside the app's own, as one import line would. */
  areas?: Type[];
}

async function createOwnDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = new URL(process.env.DATABASE_URL!);
  const name = `${base.pathname.slice(1)}_${randomBytes(5).toString('hex')}`;
  const admin = new URL(base);
  admin.pathname = '/postgres';
  const { Client } = await import('pg');
  const run = async (sql: string) => {
    const client = new Client({ connectionString: admin.href });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE "${name}"`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.href, drop: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

function secretsKeyFor(dataDir: string): string {
  return onPostgres ? POSTGRES_TEST_SECRETS_KEY : createHash('sha256').update(`openwork-tests:${dataDir}`).digest('hex');
}

/** The real server on a real database and a real port: what every end-to-end test talks to. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const port = await freePort();
  const dataDir = options.sharing?.config.dataDir ?? (await freshDataDir());
  const own = onPostgres && options.ownDatabase && !options.sharing ? await createOwnDatabase() : undefined;
  const config = loadConfig({
    PORT: String(port),
    // Instances behind one load balancer share the public URL (issuer and audience).
    PUBLIC_URL: options.sharing?.config.publicUrl ?? `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    DATABASE_URL: options.sharing?.config.databaseUrl ?? own?.url ?? process.env.DATABASE_URL,
    SECRETS_KEY: options.sharing?.config.secretsKey.toString('hex') ?? secretsKeyFor(dataDir),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    REDIS_URL: process.env.REDIS_URL,
    ...options.env,
  });
  const app = await createApp({ config, database: options.sharing?.database, areas: options.areas });
  await app.listen(port, '127.0.0.1');
  const database = app.get<Database>(DATABASE);
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    config,
    database: options.sharing?.database ?? database,
    get: (token) => app.get(token),
    async close() {
      await app.close();
      if (!options.sharing) rmSync(dataDir, { recursive: true, force: true });
      await own?.drop();
    },
  };
}

/** A unique suffix so tests sharing one database never collide on names or emails. */
export function unique(prefix = 't'): string {
  return `${prefix}${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export interface OwnDatabase {
  /** Environment for startTestApp: a database of this test's own on PostgreSQL, nothing on the embedded one. */
  env: Record<string, string>;
  /** A direct connection on PostgreSQL, for changes no server instance should make (undefined when embedded). */
  url: string | undefined;
  drop(): Promise<void>;
}

/**
 * A PostgreSQL database only this test uses, for changes that would disturb suites running in parallel on
 * the shared one (an outage, a rewritten migration history). Embedded test apps are isolated already.
 */
export async function ownDatabase(prefix: string): Promise<OwnDatabase> {
  if (!process.env.DATABASE_URL) return { env: {}, url: undefined, drop: async () => {} };
  const { Client } = await import('pg');
  const name = `owmcp_${prefix}_${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const adminUrl = Object.assign(new URL(process.env.DATABASE_URL), { pathname: '/postgres' }).href;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = Object.assign(new URL(process.env.DATABASE_URL), { pathname: `/${name}` }).href;
  return {
    env: { DATABASE_URL: url },
    url,
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}
