import assert from 'node:assert/strict';
import { it } from 'node:test';
import { diffMigrationsToSchema } from './migrator.js';

it('prisma/migrations produce exactly prisma/schema.prisma (no drift)', async () => {
  const drift = await diffMigrationsToSchema();
  assert.equal(drift, '', `schema.prisma differs from the migrations; run npm run db:migration:new -- <name>:\n${drift}`);
});
