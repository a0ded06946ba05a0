import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkersService } from '@app/workers';
import { AlreadyExistsError } from '@app/shared';
import { orgWithPeople, type OrgWithPeople } from './support/fixtures.js';
import { fails, ok } from './support/mcp.js';
import { startTestApp, unique, type TestApp } from './support/test-app.js';
import { principalFor } from './support/tokens.js';

// One display-name rule for every area (@app/shared displayName): trimmed, whitespace collapsed,
// no control characters; and one already_exists answer, from the unique index, with the existing id.
const areas: { create: string; extra: Record<string, unknown>; max: number }[] = [
  { create: 'create_team', extra: {}, max: 100 },
  { create: 'create_role', extra: { permissions: ['teams:read'] }, max: 50 },
  { create: 'create_worker', extra: {}, max: 100 },
  { create: 'create_connector', extra: { type: 'github' }, max: 100 },
  { create: 'create_llm_provider', extra: { kind: 'anthropic' }, max: 100 },
  { create: 'create_marketplace', extra: {}, max: 100 },
  { create: 'create_config_object', extra: { type: 'agent', content: 'x' }, max: 100 },
];

describe('the one name rule and the one already_exists', () => {
  let t: TestApp;
  let a: OrgWithPeople;
  before(async () => {
    t = await startTestApp();
    a = await orgWithPeople(t);
  });
  after(() => t.close());

  for (const area of areas) {
    it(`${area.create}: collapses whitespace, refuses control characters, answers a clash with the existing id`, async () => {
      const base = unique('N');
      const created = await ok(a.owner.client, area.create, { ...area.extra, name: `  ${base}\t  two   words ` });
      assert.equal(created.name, `${base} two words`);
      for (const bad of [`${base}\u0001x`, `${base}\u0000`, `${base}\u007f`, `${base}\u009b`, '   ', 'x'.repeat(area.max + 1)]) {
        const error = await fails(a.owner.client, area.create, { ...area.extra, name: bad });
        assert.equal(error.code, 'invalid_input', JSON.stringify(bad));
      }
      const clash = await fails(a.owner.client, area.create, { ...area.extra, name: `${base}  two words` });
      assert.equal(clash.code, 'already_exists');
      assert.equal(clash.details.existingId, created.id);
    });
  }

  it('answers concurrent creates of one name with one row and already_exists naming it (medium: the use case, no HTTP)', async () => {
    const workers = t.get(WorkersService);
    const principal = await principalFor(t, a.owner.user, a.org.id);
    const name = unique('Race');
    const results = await Promise.allSettled([0, 1, 2, 3].map(() => workers.create(principal, { name, description: '', runtime: {} })));
    const created = results.filter((r) => r.status === 'fulfilled');
    assert.equal(created.length, 1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      const error = r.reason as AlreadyExistsError;
      assert.ok(error instanceof AlreadyExistsError, String(error));
      assert.equal(error.details.existingId, created[0]!.value.id);
    }
    const page = await workers.list(principal, { limit: 200 });
    assert.equal(page.items.filter((w) => w.name === name).length, 1);
  });
});
