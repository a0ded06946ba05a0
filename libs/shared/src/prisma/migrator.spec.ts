import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { applyMigrations, migrationNames } from './migrator.js';

describe('applyMigrations', () => {
  let pglite: PGlite;
  let connects = 0;
  let factory: SqlMigrationAwareDriverAdapterFactory;

  before(() => {
    pglite = new PGlite();
    const adapter = new PrismaPGlite(pglite);
    // Counts connections: the up-to-date check opens one; the schema engine opens its own after it.
    factory = {
      provider: adapter.provider,
      adapterName: adapter.adapterName,
      connect: () => (connects++, adapter.connect()),
      connectToShadowDb: () => adapter.connectToShadowDb(),
    };
  });
  after(() => pglite.close());

  const run = async (options?: { through?: string }) => {
    connects = 0;
    const applied = await applyMigrations(factory, options);
    return { applied, engineRan: connects > 1 };
  };

  it('applies what is pending through the engine, and answers an up-to-date database without loading it', async () => {
    const names = await migrationNames();
    assert.ok(names.length >= 2);
    assert.deepEqual(await run({ through: names[0] }), { applied: [names[0]], engineRan: true });
    assert.deepEqual(await run(), { applied: names.slice(1), engineRan: true });
    assert.deepEqual(await run(), { applied: [], engineRan: false });
  });

  // (A pending migration is the first test's second step; a rolled-back one the engine applies again.)
  it('hands a history it cannot vouch for to the engine: an edited or a failed migration', async () => {
    const [first] = await migrationNames();
    const tamperings = [
      `UPDATE _prisma_migrations SET checksum = repeat('0', 64) WHERE migration_name = '${first}'`,
      `UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = '${first}'`,
    ];
    await pglite.exec('CREATE TABLE saved_history AS SELECT * FROM _prisma_migrations');
    for (const tampering of tamperings) {
      await pglite.exec(tampering);
      connects = 0;
      await applyMigrations(factory).catch(() => undefined); // the engine's verdict on that history is its own
      assert.ok(connects > 1, `the engine ran for: ${tampering}`);
      await pglite.exec('DELETE FROM _prisma_migrations; INSERT INTO _prisma_migrations SELECT * FROM saved_history');
    }
    assert.deepEqual(await run(), { applied: [], engineRan: false });
  });
});
