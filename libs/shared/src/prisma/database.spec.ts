import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { describe, it } from 'node:test';
import pg from 'pg';
import { openDatabase, statementNames } from './database.js';

describe('statementNames (PostgreSQL prepared statements)', () => {
  it('names one SQL text the same way every time and different texts differently', () => {
    const name = statementNames();
    const a = name({ sql: 'SELECT 1' });
    assert.ok(a);
    assert.equal(name({ sql: 'SELECT 1' }), a);
    const b = name({ sql: 'SELECT 2' });
    assert.ok(b && b !== a);
  });

  it('stops naming new texts at the cap, so variable SQL cannot fill every connection, and keeps the names it gave', () => {
    const name = statementNames(3);
    const given = ['a', 'b', 'c'].map((sql) => name({ sql }));
    assert.equal(new Set(given).size, 3);
    assert.equal(name({ sql: 'd' }), ''); // pg runs an empty name as the unnamed statement
    assert.equal(name({ sql: 'e' }), '');
    assert.deepEqual(['a', 'b', 'c'].map((sql) => name({ sql })), given);
  });
});

describe('PostgreSQL connections the database ends', { skip: !process.env.DATABASE_URL && 'DATABASE_URL is not set' }, () => {
  const url = process.env.DATABASE_URL!;

  it('survives the database ending its lock connection while the work runs, and the lock ends with it', async () => {
    const database = await openDatabase({ databaseUrl: url, dataDir: '.' });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    // A key below 2^31 is held as (classid 0, objid key) in pg_locks: only this test's holder matches.
    const lockId = randomInt(1_000_000, 2 ** 31 - 1);
    const holder = () => admin.query<{ pid: number }>(`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = $1 AND granted`, [lockId]);
    try {
      const outcome = await database.runExclusive(lockId, async () => {
        const { rows } = await holder();
        assert.equal(rows.length, 1, 'the lock is held on a connection of its own');
        await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        // Long enough for the terminated connection's notice to reach this process.
        while ((await holder()).rowCount) await new Promise((resolve) => setTimeout(resolve, 20));
        await new Promise((resolve) => setTimeout(resolve, 100));
        return 'finished';
      });
      assert.deepEqual(outcome, { ran: true, value: 'finished' });
      // Released with the connection: the next holder gets it.
      assert.deepEqual(await database.runExclusive(lockId, async () => 'again'), { ran: true, value: 'again' });
    } finally {
      await admin.end();
      await database.close();
    }
  });

  it('survives the database ending a new connection just as a transaction takes it from the pool', async () => {
    const database = await openDatabase({ databaseUrl: url, dataDir: '.' });
    try {
      const adapter = await database.clientAdapterFactory.connect();
      const pool = (adapter as typeof adapter & { underlyingDriver(): pg.Pool }).underlyingDriver();
      // The window: the pool hands a new connection over inside the read that completed its start-up, and
      // the transaction listens a microtask later. The termination arrives in between, as PostgreSQL sends it.
      const terminated = Object.assign(new Error('terminating connection due to administrator command'), { severity: 'FATAL', code: '57P01' });
      pool.once('acquire', (client: pg.Client & { connection: { emit(event: string, error: Error): void } }) =>
        queueMicrotask(() => client.connection.emit('errorMessage', terminated)),
      );
      await assert.rejects(adapter.startTransaction(), /not queryable|administrator command/);
      // The broken connection left the pool; the next transaction and plain statements get healthy ones.
      const transaction = await adapter.startTransaction();
      await transaction.rollback();
      assert.deepEqual(await database.query({ name: 'one', text: 'SELECT 1 AS one' }, []), [{ one: 1 }]);
    } finally {
      await database.close();
    }
  });
});
