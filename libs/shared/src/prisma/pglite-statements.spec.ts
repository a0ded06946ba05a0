import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as pgliteModule from '@electric-sql/pglite';
import { pgliteStatements } from './pglite-statements.js';

describe('pgliteStatements', () => {
  let pglite: pgliteModule.PGlite;
  let run: ReturnType<typeof pgliteStatements>;

  before(async () => {
    pglite = new pgliteModule.PGlite();
    await pglite.exec(`CREATE TABLE item (id text PRIMARY KEY, tags text[] NOT NULL, "at" timestamptz(3), done boolean NOT NULL DEFAULT false)`);
    run = pgliteStatements(pglite, pgliteModule);
  });
  after(() => pglite.close());

  const insert = { name: 'item_insert', text: `INSERT INTO item (id, tags, "at") SELECT $1::text, $2::text[], $3::timestamptz RETURNING id, tags, "at", done` };
  const byId = { name: 'item_by_id', text: `SELECT id, tags, "at", done FROM item WHERE id = $1` };

  it('writes and reads with the parameters and rows typed as pglite.query types them, nulls included', async () => {
    const at = new Date('2026-12-02T10:11:12.345Z');
    assert.deepEqual(await run(insert, ['a', ['x', 'y, z'], at]), [{ id: 'a', tags: ['x', 'y, z'], at, done: false }]);
    assert.deepEqual(await run(insert, ['b', [], null]), [{ id: 'b', tags: [], at: null, done: false }]);
    for (const id of ['a', 'b', 'missing']) assert.deepEqual(await run(byId, [id]), (await pglite.query(byId.text, [id])).rows);
  });

  it('prepares each statement once and runs it many times', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await run(byId, ['a'])).length, 1);
    const { rows } = await pglite.query<{ name: string }>(`SELECT name FROM pg_prepared_statements ORDER BY name`);
    assert.deepEqual(rows.map((row) => row.name), ['item_by_id', 'item_insert']);
  });

  it('answers an error as an error and keeps working after it', async () => {
    await assert.rejects(run(insert, ['a', [], null]), /duplicate key/);
    await assert.rejects(run({ name: 'broken', text: 'SELECT nothing FROM nowhere' }, []), /nowhere/);
    assert.equal((await run(byId, ['a'])).length, 1);
    assert.equal((await pglite.query('SELECT 1 AS one')).rows.length, 1);
  });

  it('waits for a transaction held open on the session instead of running inside it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const transaction = pglite.transaction(async (tx) => {
      await tx.query(`UPDATE item SET done = true WHERE id = 'a'`);
      await held;
      await tx.rollback();
    });
    let read: { done: boolean }[] | undefined;
    try {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const reading = run<{ done: boolean }>(byId, ['a']).then((rows) => (read = rows));
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(read, undefined, 'the statement waited for the open transaction');
      release();
      await transaction;
      await reading;
    } finally {
      release();
    }
    assert.equal(read![0]!.done, false, 'and saw the rolled-back state, not the uncommitted one');
  });
});
