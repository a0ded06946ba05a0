import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';

export const PRISMA_DIR = resolve(fileURLToPath(new URL('../../../../../prisma', import.meta.url)));
export const MIGRATIONS_DIR = join(PRISMA_DIR, 'migrations');
export const SCHEMA_FILE = join(PRISMA_DIR, 'schema.prisma');

const noFilters = { externalTables: [], externalEnums: [] };

interface SchemaEngine {
  applyMigrations(input: unknown): Promise<{ appliedMigrationNames: string[] }>;
  diff(input: unknown): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
}

// Typed locally: the project's lib settings carry no WebAssembly declarations.
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

type EngineModule = { SchemaEngine: { new: (o: unknown, log: (m: string) => void, a: object) => Promise<SchemaEngine> } };
let engineModule: Promise<EngineModule> | undefined;

// Prisma's schema engine as WebAssembly: migrations without the native binary download.
function loadEngineModule(): Promise<EngineModule> {
  engineModule ??= (async () => {
    const require = createRequire(import.meta.url);
    const bgPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bindings = await import(bgPath);
    const bytes = await readFile(join(bgPath, '..', 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bindings });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as (() => void) | undefined)?.();
    return bindings as EngineModule;
  })();
  return engineModule;
}

// The engine (and PGlite under it) arm 10 s guard timers they never clear, which would keep a CLI
// or test process alive after its work is done; timers created while the engine runs are unref'd.
async function withUnrefTimers<T>(work: () => Promise<T>): Promise<T> {
  const original = globalThis.setTimeout;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => original(...args).unref()) as typeof setTimeout;
  try {
    return await work();
  } finally {
    globalThis.setTimeout = original;
  }
}

// The engine opens its own connections (a pool each, on PostgreSQL) and does not close them on free().
async function openEngine(adapterFactory: SqlMigrationAwareDriverAdapterFactory): Promise<SchemaEngine & { dispose(): Promise<void> }> {
  const { SchemaEngine } = await loadEngineModule();
  const schema = await readFile(SCHEMA_FILE, 'utf8');
  const opened: SqlDriverAdapter[] = [];
  const track = async (connect: () => Promise<SqlDriverAdapter>) => {
    const adapter = await connect();
    opened.push(adapter);
    return adapter;
  };
  const tracked: SqlMigrationAwareDriverAdapterFactory = {
    provider: adapterFactory.provider,
    adapterName: adapterFactory.adapterName,
    connect: () => track(() => adapterFactory.connect()),
    connectToShadowDb: () => track(() => adapterFactory.connectToShadowDb()),
  };
  const engine = await SchemaEngine.new({ datamodels: [[SCHEMA_FILE, schema]] }, () => {}, bindMigrationAwareSqlAdapterFactory(tracked));
  return Object.assign(engine, {
    async dispose() {
      engine.free();
      await Promise.all(opened.map((adapter) => adapter.dispose()));
    },
  });
}

type MigrationDirectory = Awaited<ReturnType<typeof readMigrations>>['migrationDirectories'][number];

async function allRecorded(adapterFactory: SqlMigrationAwareDriverAdapterFactory, shipped: MigrationDirectory[]): Promise<boolean> {
  const adapter = await adapterFactory.connect();
  try {
    const table = await adapter.queryRaw({ sql: `SELECT to_regclass('_prisma_migrations') IS NOT NULL`, args: [], argTypes: [] });
    if (table.rows[0]?.[0] !== true) return false;
    const recorded = await adapter.queryRaw({
      sql: `SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      args: [],
      argTypes: [],
    });
    const checksums = new Map(recorded.rows.map(([name, checksum]) => [name as string, checksum as string]));
    return shipped.every(({ path, migrationFile: { content } }) => content.tag === 'ok' && checksums.get(path) === createHash('sha256').update(content.value).digest('hex'));
  } finally {
    await adapter.dispose();
  }
}

/** The migrations this build ships, by folder name. */
export async function migrationNames(): Promise<string[]> {
  const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

export async function readMigrations() {
  const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true });
  const dirs = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const lockPath = join(MIGRATIONS_DIR, 'migration_lock.toml');
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: { path: lockPath, content: await readFile(lockPath, 'utf8').catch(() => null) },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      dirs.map(async (dir) => ({
        path: dir,
        migrationFile: {
          path: 'migration.sql',
          content: await readFile(join(MIGRATIONS_DIR, dir, 'migration.sql'), 'utf8').then(
            (value) => ({ tag: 'ok', value }),
            (error: Error) => ({ tag: 'error', value: error.message }),
          ),
        },
      })),
    ),
  };
}

/**
 * Applies pending migrations from prisma/migrations, recorded in _prisma_migrations like `prisma migrate
 * deploy`; `through` stops after the named one (tests of a migration's data step).
 *
 * When the table already records every shipped migration as applied, unchanged (same checksum) and not
 * rolled back, there is nothing to do and the schema engine is not loaded: it is 5 MB of WebAssembly whose
 * compilation and memory a server would otherwise carry for its whole life (about 30 MB of RSS) to learn
 * that on every restart. Anything else (a pending, failed or edited migration) goes to the engine as before.
 */
export async function applyMigrations(adapterFactory: SqlMigrationAwareDriverAdapterFactory, options: { through?: string } = {}): Promise<string[]> {
  const migrationsList = await readMigrations();
  if (options.through) migrationsList.migrationDirectories = migrationsList.migrationDirectories.filter((dir) => dir.path <= options.through!);
  if (await allRecorded(adapterFactory, migrationsList.migrationDirectories)) return [];
  return withUnrefTimers(async () => {
    const engine = await openEngine(adapterFactory);
    try {
      const { appliedMigrationNames } = await engine.applyMigrations({
        migrationsList,
        filters: noFilters,
      });
      return appliedMigrationNames;
    } finally {
      await engine.dispose();
    }
  });
}

/**
 * SQL that takes a database built from the migrations to the current schema.prisma; empty when they agree.
 * The shadow database is a throw-away in-memory PGlite, so no server is needed.
 */
export async function diffMigrationsToSchema(): Promise<string> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PrismaPGlite } = await import('pglite-prisma-adapter');
  const shadow = new PGlite();
  return withUnrefTimers(async () => {
    const engine = await openEngine(new PrismaPGlite(shadow));
    try {
      const schema = await readFile(SCHEMA_FILE, 'utf8');
      const result = await engine.diff({
        from: { tag: 'migrations', ...(await readMigrations()) },
        to: { tag: 'schemaDatamodel', files: [{ path: SCHEMA_FILE, content: schema }] },
        script: true,
        exitCode: null,
        filters: noFilters,
      });
      return (result.stdout ?? '').replace(/^-- This is an empty migration\.\s*$/m, '').trim();
    } finally {
      await engine.dispose();
      await shadow.close();
    }
  });
}
