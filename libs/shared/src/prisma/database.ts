import { join } from 'node:path';
import type { SqlDriverAdapterFactory, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import type { AppConfig } from '../config/app-config.js';
import { withSpan } from '../tracing/spans.js';
import { acquireEmbeddedLock } from './embedded-lock.js';
import { PostgresNotifications, pgliteNotifications, type Notifications } from './notifications.js';
import { pgliteStatements } from './pglite-statements.js';

// One physical database: the adapter Prisma and the migrator both speak through, and its LISTEN/NOTIFY.
export interface Database extends Pick<Notifications, 'notify' | 'listen'> {
  readonly kind: 'embedded' | 'postgres';
  readonly description: string;
  /** What migrations run through (on PostgreSQL a pool of their own, ended with them). */
  readonly adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** What the app's Prisma client runs on: on PostgreSQL the pool `query` uses too. */
  readonly clientAdapterFactory: SqlDriverAdapterFactory;
  /**
   * The rows of one statement (a read, or a write that commits on its own), straight on the driver Prisma
   * uses: no query compilation, result mapping or promise chain of the ORM. For the statements on the hot
   * paths (the access recheck every MCP request runs, a page of members, a refresh token's rotation). A
   * named prepared statement: on PostgreSQL on each of Prisma's pooled connections; on PGlite on its one
   * session, behind its transaction queue as Prisma's own statements.
   */
  query<T>(statement: Statement, values: unknown[]): Promise<T[]>;
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
    // While `work` runs this connection is idle: if the database ends it (a restart, an operator), pg
    // reports that as an 'error' event, which unheard would crash the process. The lock ends with the
    // connection; the work goes on and meets the outage, if any, on its own connections.
    client.on('error', () => undefined);
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

/** SQL with $1… placeholders, and the name it is prepared under on each PostgreSQL connection. */
export interface Statement {
  name: string;
  text: string;
}

export const DATABASE = Symbol('DATABASE');

const POSTGRES_POOL_SIZE = 20;
const MAX_NAMED_STATEMENTS = 500;
// PGlite keeps PostgreSQL's 128 MB of shared buffers in its WebAssembly memory, which never shrinks; the
// embedded database of one organization-sized deployment is tens of MB and the OS caches its files anyway.
const EMBEDDED_SHARED_BUFFERS = '16MB';

/**
 * Names each distinct SQL text so every pooled connection parses and plans it once (a named prepared
 * statement) instead of on every execution: planning the access recheck's seven-table join costs
 * PostgreSQL about 2 ms, executing it about 0.1 ms. The set of texts the app sends is fixed by its code;
 * the cap keeps a text built from variable-length input (an IN list) from filling every connection's
 * statement cache: past it, texts run unnamed as before.
 */
export function statementNames(limit = MAX_NAMED_STATEMENTS): (query: { sql: string }) => string {
  const names = new Map<string, string>();
  return ({ sql }) => {
    let name = names.get(sql);
    if (name === undefined && names.size < limit) {
      name = `ow${names.size}`;
      names.set(sql, name);
    }
    return name ?? ''; // pg runs an empty name as the unnamed statement
  };
}

export async function openDatabase(config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>): Promise<Database> {
  // Each process loads only the driver of the database it opens (PGlite's module alone is half a MB of code).
  if (config.databaseUrl) {
    const { PrismaPg } = await import('@prisma/adapter-pg');
    const url = new URL(config.databaseUrl);
    const notifications = new PostgresNotifications(config.databaseUrl);
    const poolConfig = { connectionString: config.databaseUrl, max: POSTGRES_POOL_SIZE, connectionTimeoutMillis: 5_000 };
    // One pool for the Prisma client and the driver-level reads (app instances sharing this database share
    // it too). Migrations keep a pool of their own: their session-level advisory lock must not outlive them.
    const pool = new pg.Pool(poolConfig);
    // An idle connection the server drops leaves the pool on its own; without a listener it would crash us.
    pool.on('error', () => undefined);
    // A transaction takes a new connection inside the socket read that finished its start-up and attaches
    // its own listener a microtask later: a termination in that same read (the database stopping, an
    // operator) would be an unheard 'error'. The connection is still marked broken and leaves the pool on
    // release; the statement that meets it fails on its own.
    pool.on('connect', (client) => client.on('error', () => undefined));
    return {
      kind: 'postgres',
      description: `PostgreSQL at ${url.host}${url.pathname}`,
      adapterFactory: new PrismaPg(poolConfig),
      clientAdapterFactory: new PrismaPg(pool, { statementNameGenerator: statementNames() }),
      query: <T>(statement: Statement, values: unknown[]) =>
        withSpan(`db.query ${statement.name}`, async () => (await pool.query<T & pg.QueryResultRow>({ ...statement, values })).rows, { 'db.system.name': 'postgresql' }),
      runExclusive: postgresExclusive(config.databaseUrl),
      notify: (channel, payload) => notifications.notify(channel, payload),
      listen: (channel, onPayload) => notifications.listen(channel, onPayload),
      close: async () => {
        await notifications.close();
        await pool.end();
      },
    };
  }
  const release = acquireEmbeddedLock(config.dataDir);
  try {
    const [pgliteModule, { PrismaPGlite }] = await Promise.all([import('@electric-sql/pglite'), import('pglite-prisma-adapter')]);
    const { PGlite } = pgliteModule;
    const pglite = await PGlite.create(join(config.dataDir, 'pglite'), {
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${EMBEDDED_SHARED_BUFFERS}`],
    });
    const notifications = pgliteNotifications(pglite);
    const adapterFactory = new PrismaPGlite(pglite);
    const runStatement = pgliteStatements(pglite, pgliteModule);
    return {
      kind: 'embedded',
      description: `embedded PGlite in ${config.dataDir}`,
      adapterFactory,
      clientAdapterFactory: adapterFactory,
      query: <T>(statement: Statement, values: unknown[]) =>
        withSpan(`db.query ${statement.name}`, () => runStatement<T>(statement, values), { 'db.system.name': 'postgresql' }),
      runExclusive: inProcessExclusive(),
      notify: (channel, payload) => notifications.notify(channel, payload),
      listen: (channel, onPayload) => notifications.listen(channel, onPayload),
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
