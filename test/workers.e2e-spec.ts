import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { auditActions, fieldPaths, orgWithPeople, type OrgWithPeople } from './support/fixtures.js';
import { assertNotFound, assertPaginates, assertToolSurface, fails, ok } from './support/mcp.js';
import { startTestApp, unique, type TestApp } from './support/test-app.js';

describe('workers', () => {
  let t: TestApp;
  let a: OrgWithPeople;
  let other: OrgWithPeople;
  before(async () => {
    t = await startTestApp();
    a = await orgWithPeople(t);
    other = await orgWithPeople(t);
  });
  after(() => t.close());

  it('moves a worker through its validated lifecycle', async () => {
    const name = unique('worker ');
    const w = await ok(a.owner.client, 'create_worker', { name, description: 'Builds reports', runtime: { image: 'openwork/worker:1', cpu: 2 } });
    assert.equal(w.status, 'stopped');
    assert.deepEqual(w.allowedNextStatuses, ['starting']);

    const bad = await fails(a.owner.client, 'update_worker', { workerId: w.id, status: 'running' });
    assert.equal(bad.code, 'invalid_status_transition');
    assert.deepEqual(bad.details.allowedNextStatuses, ['starting']);
    assert.match(bad.message, /From "stopped" it can go to: starting/);

    for (const status of ['starting', 'running']) assert.equal((await ok(a.owner.client, 'update_worker', { workerId: w.id, status })).status, status);
    const busy = await fails(a.owner.client, 'delete_worker', { workerId: w.id });
    assert.equal(busy.code, 'worker_not_stopped');
    for (const status of ['stopping', 'stopped', 'starting', 'failed']) await ok(a.owner.client, 'update_worker', { workerId: w.id, status });
    assert.deepEqual((await fails(a.owner.client, 'update_worker', { workerId: w.id, status: 'stopping' })).details.allowedNextStatuses, ['starting']);

    const renamed = await ok(a.owner.client, 'update_worker', { workerId: w.id, name: `${name} v2`, runtime: { image: 'openwork/worker:2' } });
    assert.equal(renamed.status, 'failed');
    assert.deepEqual(renamed.runtime, { image: 'openwork/worker:2' });

    const seen = await ok(a.member.client, 'get_worker', { workerId: w.id });
    assert.equal(seen.name, `${name} v2`);
    const failedOnes = await ok(a.member.client, 'list_workers', { status: 'failed' });
    assert.deepEqual(failedOnes.items.map((x: { id: string }) => x.id), [w.id]);

    await ok(a.owner.client, 'delete_worker', { workerId: w.id });
    assert.equal((await fails(a.owner.client, 'get_worker', { workerId: w.id })).code, 'not_found');
    assert.deepEqual(await auditActions(t, a.org.id, w.id), [
      'worker.created',
      ...Array(6).fill('worker.status_changed'),
      'worker.updated',
      'worker.deleted',
    ]);
  });

  it('keeps workers to those allowed to manage them', async () => {
    assert.equal((await fails(a.member.client, 'create_worker', { name: 'x' })).code, 'permission_denied');
    const w = await ok(a.owner.client, 'create_worker', { name: unique('w') });
    assert.equal((await fails(a.member.client, 'update_worker', { workerId: w.id, status: 'starting' })).code, 'permission_denied');
    assert.equal((await fails(a.member.client, 'delete_worker', { workerId: w.id })).code, 'permission_denied');
    const dup = await fails(a.owner.client, 'create_worker', { name: w.name });
    assert.equal(dup.code, 'already_exists');
    assert.equal(dup.details.existingId, w.id);
    assert.deepEqual(fieldPaths(await fails(a.owner.client, 'create_worker', { name: 'y', runtime: { nested: { no: 1 } } })), ['runtime.nested']);
    assert.deepEqual(fieldPaths(await fails(a.owner.client, 'update_worker', { workerId: w.id, status: 'paused' })), ['status']);
  });

  it('paginates list_workers', async () => {
    const fresh = await orgWithPeople(t);
    await assertPaginates(fresh.owner.client, fresh.member.client, 'list_workers', (i) => ['create_worker', { name: `w${i}` }]);
  });

  it('hides another organization\'s workers behind not_found', async () => {
    const theirs = await ok(other.owner.client, 'create_worker', { name: unique('theirs') });
    await assertNotFound(a.owner.client, [
      ['get_worker', { workerId: theirs.id }],
      ['update_worker', { workerId: theirs.id, status: 'starting' }],
      ['delete_worker', { workerId: theirs.id }],
    ]);
    const mine = await ok(a.owner.client, 'list_workers', { limit: 200 });
    assert.ok(!mine.items.some((x: { id: string }) => x.id === theirs.id));
    assert.equal((await ok(other.owner.client, 'get_worker', { workerId: theirs.id })).status, 'stopped');
  });

  it('keeps mutating worker tools away from a read-only connection and declares honest annotations', async () => {
    await assertToolSurface(a.readOnly, a.owner.client, { reads: ['list_workers', 'get_worker'], writes: ['create_worker', 'update_worker', 'delete_worker'], names: /worker/ });
  });
});
