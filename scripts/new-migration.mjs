// Authors the next migration offline: diffs prisma/migrations against prisma/schema.prisma on a
// throw-away in-memory PGlite and writes the SQL in Prisma's folder format.
// Usage: npm run db:migration:new -- <name>
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import './app-paths.mjs';

const { diffMigrationsToSchema, MIGRATIONS_DIR } = await import('@app/shared');

const name = (process.argv[2] ?? '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
if (!name) {
  console.error('Usage: npm run db:migration:new -- <name>');
  process.exit(2);
}
const sql = (await diffMigrationsToSchema()).replace(/^-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n\n/m, '');
if (!sql) {
  console.log('prisma/schema.prisma and prisma/migrations already agree; no migration written.');
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const dir = join(MIGRATIONS_DIR, `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'migration.sql'), `${sql}\n`);
console.log(`Wrote ${dir}/migration.sql`);
