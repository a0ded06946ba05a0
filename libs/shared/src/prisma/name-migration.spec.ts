import assert from 'node:assert/strict';
import { it } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { displayName } from '../text/names.js';
import { readMigrations } from './migrator.js';

type MigrationFile = { path: string; migrationFile: { content: { tag: string; value: string } } };

const RULE = '20261201150000_one_display_name_rule';

it('the name migration rewrites rows the one name rule refuses, renames the clashes it makes, and audits each change', async () => {
  const migrations = (await readMigrations()).migrationDirectories as MigrationFile[];
  const sqlOf = (m: MigrationFile) => m.migrationFile.content.value;
  const db = new PGlite();
  try {
    for (const m of migrations) {
      if (m.path === RULE) break;
      await db.exec(sqlOf(m));
    }
    await db.exec(`
      INSERT INTO "User" (id, email, name, "passwordHash", "updatedAt") VALUES ('u1', 'a@example.com', E'  Ada\\t\\tLovelace ', 'x', now());
      INSERT INTO "Organization" (id, name, slug, "updatedAt") VALUES ('o1', E'Acme\\u0001 Inc', 'acme', now());
      INSERT INTO "Worker" (id, "orgId", name, "createdByUserId", "updatedAt", "createdAt") VALUES
        ('w1', 'o1', 'Builder', 'u1', now(), now() - interval '3 minutes'),
        ('w2', 'o1', 'Builder  ', 'u1', now(), now() - interval '2 minutes'),
        ('w3', 'o1', E'Builder\\n', 'u1', now(), now() - interval '1 minute'),
        ('w4', 'o1', E'\\u0001', 'u1', now(), now()),
        ('w5', 'o1', 'Fine name', 'u1', now(), now()),
        ('w6', 'o1', 'Crane (2)', 'u1', now(), now() - interval '9 minutes'),
        ('w7', 'o1', 'Crane', 'u1', now(), now() - interval '8 minutes'),
        ('w8', 'o1', 'Crane ', 'u1', now(), now() - interval '7 minutes');
      INSERT INTO "Role" (id, "orgId", key, name, "updatedAt") VALUES ('r1', 'o1', 'lead', '${'L'.repeat(60)}', now());
    `);
    // Statement by statement, split on ";" the way the PostgreSQL driver adapter runs a migration script.
    for (const statement of sqlOf(migrations.find((m) => m.path === RULE)!).split(';').map((s) => s.trim()).filter(Boolean)) await db.exec(statement);

    const names = async (sql: string) => (await db.query<{ id: string; name: string }>(sql)).rows.map((r) => [r.id, r.name]);
    assert.deepEqual(await names(`SELECT id, name FROM "User"`), [['u1', 'Ada Lovelace']]);
    assert.deepEqual(await names(`SELECT id, name FROM "Organization"`), [['o1', 'Acme Inc']]);
    assert.deepEqual(await names(`SELECT id, name FROM "Worker" ORDER BY id`), [
      ['w1', 'Builder'],
      ['w2', 'Builder (2)'],
      ['w3', 'Builder (3)'],
      ['w4', 'unnamed'],
      ['w5', 'Fine name'],
      ['w6', 'Crane (2)'],
      ['w7', 'Crane'],
      ['w8', 'Crane (2-w8)'],
    ]);
    assert.deepEqual(await names(`SELECT id, name FROM "Role"`), [['r1', 'L'.repeat(50)]]);
    // every stored name now passes the rule the application applies
    for (const [, name] of [...(await names(`SELECT id, name FROM "Worker"`)), ...(await names(`SELECT id, name FROM "Organization"`))]) assert.equal(displayName(name!), name);

    const audit = (await db.query<{ action: string; targetId: string; details: { before: string; after: string } }>(
      `SELECT action, "targetId", details FROM "AuditEvent" WHERE "orgId" = 'o1' ORDER BY id`,
    )).rows;
    assert.deepEqual(audit.map((a) => [a.targetId, a.details.after]).sort(), [['o1', 'Acme Inc'], ['r1', 'L'.repeat(50)], ['w2', 'Builder (2)'], ['w3', 'Builder (3)'], ['w4', 'unnamed'], ['w8', 'Crane (2-w8)']].sort());
    assert.ok(audit.every((a) => a.action === 'name.normalized'));
  } finally {
    await db.close();
  }
});
