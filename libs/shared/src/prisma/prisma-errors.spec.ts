import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { DomainError } from '../errors/domain-error.js';
import { openDatabase, type Database } from './database.js';
import { PrismaClient } from './generated/client.js';
import { isDatabaseUnavailable } from './prisma-errors.js';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const sqlError = (code: string, message = 'database error') => Object.assign(new Error(message), { code, severity: 'FATAL' });
// Prisma wraps the driver's error in a DriverAdapterError, itself in meta of a known request error.
const throughPrisma = (originalCode: string) =>
  Object.assign(new Error('Invalid `prisma.worker.findMany()` invocation'), {
    name: 'PrismaClientKnownRequestError',
    code: 'P2010',
    meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'postgres', originalCode, code: originalCode } } },
  });

describe('isDatabaseUnavailable', () => {
  it('recognises a lost or refused connection in every wrapping it arrives in', () => {
    const unavailable: [string, unknown][] = [
      ...['08000', '08003', '08006', '08001', '08004', '57P01', '57P02', '57P03', '57P05', '53300'].flatMap((code): [string, unknown][] => [
        [`${code} from pg`, sqlError(code)],
        [`${code} through Prisma`, throughPrisma(code)],
        [`${code} as a cause`, new Error('wrapped', { cause: sqlError(code) })],
      ]),
      ...['P1001', 'P1002', 'P1008', 'P1017', 'P2024'].map((code): [string, unknown] => [`Prisma ${code}`, Object.assign(new Error('x'), { code })]),
      ...['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections'].map((kind): [string, unknown] => [
        `adapter kind ${kind}`,
        Object.assign(new Error('x'), { code: 'P2010', meta: { driverAdapterError: { cause: { kind } } } }),
      ]),
      ...['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'].map((code): [string, unknown] => [code, Object.assign(new Error(code), { code })]),
      ['pg gave up the connection', new Error('Client has encountered a connection error and is not queryable')],
      ['pg lost the socket', new Error('Connection terminated unexpectedly')],
      ['pg timed out connecting', new Error('Connection terminated due to connection timeout')],
      ['pool timed out', new Error('timeout exceeded when trying to connect')],
    ];
    for (const [what, error] of unavailable) assert.equal(isDatabaseUnavailable(error), true, what);
  });

  it('leaves statements the database refused, rules and defects alone', () => {
    const cyclic: Error & { cause?: unknown } = new Error('cycle');
    cyclic.cause = cyclic;
    const available: [string, unknown][] = [
      ...['23505', '23503', '42601', '42P01', '40001', '40P01', '57014', '22P02', 'P0001'].flatMap((code): [string, unknown][] => [
        [`${code} from pg`, sqlError(code)],
        [`${code} through Prisma`, throughPrisma(code)],
      ]),
      ...['P2002', 'P2025', 'P2010', 'P2028'].map((code): [string, unknown] => [`Prisma ${code}`, Object.assign(new Error('x'), { code })]),
      ['a domain error', new DomainError('conflict', 'already_exists', 'exists')],
      ['a defect', new TypeError("Cannot read properties of undefined (reading 'id')")],
      ['a message that mentions a connection', new Error('The connection string of connector "x" is invalid')],
      ['a cycle of causes', cyclic],
      ['not an error', 'ECONNREFUSED'],
      ['nothing', undefined],
    ];
    for (const [what, error] of available) assert.equal(isDatabaseUnavailable(error), false, what);
  });

  it('recognises the real errors of a database nobody listens for', async () => {
    const url = `postgres://postgres@127.0.0.1:${await closedPort()}/none`;
    const database = await openDatabase({ databaseUrl: url, dataDir: '.' });
    const prisma = new PrismaClient({ adapter: database.clientAdapterFactory });
    try {
      const errors = [
        await database.query({ name: 'one', text: 'SELECT 1' }, []).then(() => null, (e: unknown) => e),
        await prisma.user.findMany({ take: 1 }).then(() => null, (e: unknown) => e),
        await prisma.$transaction((tx) => tx.user.count()).then(() => null, (e: unknown) => e),
      ];
      for (const error of errors) assert.equal(isDatabaseUnavailable(error), true, String(error));
    } finally {
      await prisma.$disconnect();
      await database.close();
    }
  });

  describe('on a live database', () => {
    let dataDir: string | undefined;
    let database: Database;
    let prisma: PrismaClient;
    before(async () => {
      if (!process.env.DATABASE_URL) dataDir = mkdtempSync(join(tmpdir(), 'prisma-errors-'));
      database = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: dataDir ?? '.' });
      prisma = new PrismaClient({ adapter: database.clientAdapterFactory });
    });
    after(async () => {
      await prisma.$disconnect();
      await database.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('does not mistake the statements it refuses for an outage', async () => {
      const refused = [
        await prisma.$queryRawUnsafe('SELEC 1').then(() => null, (e: unknown) => e),
        await prisma.$queryRawUnsafe('SELECT * FROM no_such_table').then(() => null, (e: unknown) => e),
        await prisma.$queryRawUnsafe("SELECT 'x'::int").then(() => null, (e: unknown) => e),
        await database.query({ name: 'bad_cast', text: "SELECT 'x'::int AS n" }, []).then(() => null, (e: unknown) => e),
        await prisma.$transaction(async (tx) => {
          await tx.$executeRawUnsafe('CREATE TEMP TABLE once (id int PRIMARY KEY) ON COMMIT DROP');
          await tx.$executeRawUnsafe('INSERT INTO once VALUES (1)');
          await tx.$executeRawUnsafe('INSERT INTO once VALUES (1)');
        }).then(() => null, (e: unknown) => e),
      ];
      for (const error of refused) {
        assert.ok(error instanceof Error, 'the statement was refused');
        assert.equal(isDatabaseUnavailable(error), false, String(error));
      }
    });

    it('recognises the connection PostgreSQL ends in the middle of a statement and of a transaction', { skip: !process.env.DATABASE_URL && 'PostgreSQL only' }, async () => {
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      // The backends running this test's statements (each is the only one sleeping in its own way).
      const terminate = (marker: string) =>
        admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()`, [`%${marker}%`]);
      const whenRunning = async (marker: string) => {
        while (!(await admin.query(`SELECT 1 FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()`, [`%${marker}%`])).rowCount) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      try {
        const statement = database.query({ name: 'sleep_statement', text: "SELECT pg_sleep(10)::text AS slept, 'statement-sleeper' AS marker" }, []).then(() => null, (e: unknown) => e);
        await whenRunning('statement-sleeper');
        await terminate('statement-sleeper');
        const transaction = prisma
          .$transaction(async (tx) => {
            await tx.$queryRawUnsafe("SELECT pg_sleep(10)::text, 'transaction-sleeper'");
            return tx.user.count();
          })
          .then(() => null, (e: unknown) => e);
        await whenRunning('transaction-sleeper');
        await terminate('transaction-sleeper');
        for (const error of [await statement, await transaction]) {
          assert.ok(error instanceof Error, 'the statement failed');
          assert.equal(isDatabaseUnavailable(error), true, String(error));
        }
      } finally {
        await admin.end();
      }
    });
  });
});
