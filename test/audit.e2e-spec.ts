import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { orgWithPeople, type OrgWithPeople } from './support/fixtures.js';
import { fails, ok } from './support/mcp.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('the audit log', () => {
  let t: TestApp;
  let other: OrgWithPeople;
  before(async () => {
    t = await startTestApp();
    other = await orgWithPeople(t);
  });
  after(() => t.close());

  it('lists audit events newest first, filtered and paginated, for those allowed to read them', async () => {
    const fresh = await orgWithPeople(t);
    const w = await ok(fresh.owner.client, 'create_worker', { name: 'audited' });
    await ok(fresh.owner.client, 'update_worker', { workerId: w.id, status: 'starting' });
    await ok(fresh.owner.client, 'update_worker', { workerId: w.id, status: 'running' });
    await ok(fresh.owner.client, 'create_connector', { name: 'audited', type: 'github' });

    const page1 = await ok(fresh.owner.client, 'list_audit_events', { targetId: w.id, limit: 2 });
    assert.deepEqual(page1.items.map((e: { action: string }) => e.action), ['worker.status_changed', 'worker.status_changed']);
    assert.deepEqual(page1.items[0].details, { fields: ['status'], from: 'starting', to: 'running' });
    assert.equal(page1.items[0].actorUserId, fresh.owner.user.id);
    assert.ok(page1.items[0].clientId);
    const page2 = await ok(fresh.owner.client, 'list_audit_events', { targetId: w.id, limit: 2, cursor: page1.nextCursor });
    assert.deepEqual(page2.items.map((e: { action: string }) => e.action), ['worker.created']);
    assert.equal(page2.nextCursor, null);

    const byPrefix = await ok(fresh.owner.client, 'list_audit_events', { action: 'connector.' });
    assert.deepEqual(byPrefix.items.map((e: { action: string }) => e.action), ['connector.created']);
    const exact = await ok(fresh.owner.client, 'list_audit_events', { action: 'worker.created', targetType: 'worker' });
    assert.equal(exact.items.length, 1);
    assert.equal((await ok(fresh.owner.client, 'list_audit_events', { actorUserId: fresh.member.user.id })).items.length, 0);

    assert.equal((await fails(fresh.member.client, 'list_audit_events')).code, 'permission_denied');
    // another organization's events never show
    const theirs = await ok(other.owner.client, 'list_audit_events', { targetId: w.id });
    assert.deepEqual(theirs.items, []);
  });
});
