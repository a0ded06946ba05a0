import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { AppConfig } from '../config/app-config.js';
import { acquireEmbeddedLock } from './embedded-lock.js';

// One physical database: the adapter Prisma and the migrator both speak through.
export interface Database {
  readonly kind: 'embedded' | 'postgres';
  readonly description: string;
  readonly adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /**
   * Runs `work` unless another holder of `lockId` (in any instance on this database) is running; then
   * answers `{ ran: false }` at once instead of waiting.
   */
  runExclusive<T>(lockId: number, work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
  close(): Promise<void>;
}

// A session-level advisory lock on a connection of its own: the lock lives exactly as long as that
// connection, so an instance that dies (even SIGKILL) releases it with its socket; nothing to clean up.
function postgresExclusive(connectionString: string): Database['runExclusive'] {
  return async (lockId, work) => {
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [lockId]);
      if (!rows[0]?.locked) return { ran: false };
      try {
        return { ran: true, value: await work() };
      } finally {
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [lockId]).catch(() => undefined);
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  };
}

// The embedded database serves one process, so holding the lock in this process is holding it everywhere.
function inProcessExclusive(): Database['runExclusive'] {
  const held = new Set<number>();
  return async (lockId, work) => {
    if (held.has(lockId)) return { ran: false };
    held.add(lockId);
    try {
      return { ran: true, value: await work() };
    } finally {
      held.delete(lockId);
    }
  };
}

export const DATABASE = Symbol('DATABASE');

const POSTGRES_POOL_SIZE = 20;

export async function openDatabase(config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>): Promise<Database> {
  if (config.databaseUrl) {
    const url = new URL(config.databaseUrl);
    return {
      kind: 'postgres',
      description: `PostgreSQL at ${url.host}${url.pathname}`,
      adapterFactory: new PrismaPg({
        connectionString: config.databaseUrl,
        max: POSTGRES_POOL_SIZE,
        connectionTimeoutMillis: 5_000,
      }),
      runExclusive: postgresExclusive(config.databaseUrl),
      close: async () => {},
    };
  }
  const release = acquireEmbeddedLock(config.dataDir);
  try {
    const pglite = await PGlite.create(join(config.dataDir, 'pglite'));
    return {
      kind: 'embedded',
      description: `embedded PGlite in ${config.dataDir}`,
      adapterFactory: new PrismaPGlite(pglite),
      runExclusive: inProcessExclusive(),
      close: async () => {
        if (!pglite.closed) await pglite.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
