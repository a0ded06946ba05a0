import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PrismaService, SecretBox } from '@app/shared';
import { auditActions, fieldPaths, orgWithPeople, type OrgWithPeople } from './support/fixtures.js';
import { assertNotFound, assertPaginates, assertToolSurface, fails, ok, recordingCalls, toolError } from './support/mcp.js';
import { assertNoSecretLeaked, captureLogs } from './support/logs.js';
import { startTestApp, unique, type TestApp } from './support/test-app.js';

describe('connectors', () => {
  let t: TestApp;
  let a: OrgWithPeople;
  let other: OrgWithPeople;
  let restore: () => void;
  before(async () => {
    restore = captureLogs();
    t = await startTestApp({ env: { LOG_LEVEL: 'debug' } });
    a = await orgWithPeople(t);
    other = await orgWithPeople(t);
  });
  after(async () => {
    await t.close();
    restore();
  });

  it('stores connector credentials write-only and encrypted, and never shows them anywhere', async () => {
    const credential = `ghp_${unique('SECRETcred')}Zz9Q`;
    const { results: responses, call: record } = recordingCalls();

    let r = await record(a.owner.client, 'create_connector', { name: unique('GitHub '), type: 'github', config: { org: 'acme' }, credentials: credential });
    assert.equal(r.isError, false);
    const connector = r.data as Record<string, any>;
    assert.equal(connector.hasCredentials, true);
    assert.equal(connector.credentialsLast4, 'Zz9Q');
    assert.deepEqual(connector.config, { org: 'acme' });

    // every read path, failures included
    await record(a.member.client, 'get_connector', { connectorId: connector.id });
    await record(a.member.client, 'list_connectors', { type: 'github' });
    r = await record(a.owner.client, 'create_connector', { name: connector.name, type: 'github', credentials: credential });
    assert.equal(toolError(r.result).code, 'already_exists');
    r = await record(a.owner.client, 'create_connector', { name: unique('c'), type: 'github', config: { apiToken: credential }, credentials: credential });
    assert.deepEqual(fieldPaths(toolError(r.result)), ['config.apiToken']);
    r = await record(a.member.client, 'update_connector', { connectorId: connector.id, credentials: credential });
    assert.equal(toolError(r.result).code, 'permission_denied');
    r = await record(a.owner.client, 'update_connector', { connectorId: connector.id, credentials: null });
    assert.equal((r.data as any).hasCredentials, false);
    assert.equal((r.data as any).credentialsLast4, null);
    r = await record(a.owner.client, 'update_connector', { connectorId: connector.id, credentials: credential, config: { org: 'acme', team: 'core' } });
    assert.equal((r.data as any).hasCredentials, true);
    await record(a.owner.client, 'list_audit_events', { limit: 200 });

    // encrypted at rest, bound to its row
    const prisma = t.get(PrismaService);
    const row = await prisma.connector.findUniqueOrThrow({ where: { id: connector.id } });
    assert.ok(!row.credentialsEncrypted!.includes(credential));
    const box = t.get(SecretBox);
    assert.equal(box.open(row.credentialsEncrypted!, `connector:${a.org.id}:${connector.id}:credentials`), credential);
    assert.throws(() => box.open(row.credentialsEncrypted!, `connector:${a.org.id}:${a.org.id}:credentials`));
    const audit = await prisma.auditEvent.findMany({ where: { orgId: a.org.id } });
    assertNoSecretLeaked(JSON.stringify(responses) + JSON.stringify(audit), [credential]);
  });

  it('manages connectors end to end', async () => {
    const c = await ok(a.owner.client, 'create_connector', { name: unique('Slack '), type: 'slack', config: { workspace: 'acme' } });
    assert.equal(c.hasCredentials, false);
    const renamed = await ok(a.owner.client, 'update_connector', { connectorId: c.id, name: `${c.name} 2` });
    assert.equal(renamed.name, `${c.name} 2`);
    assert.deepEqual(renamed.config, { workspace: 'acme' });
    assert.deepEqual(fieldPaths(await fails(a.owner.client, 'create_connector', { name: 'z', type: 'Has Space' })), ['type']);
    assert.deepEqual(fieldPaths(await fails(a.owner.client, 'create_connector', { name: 'z', type: 'x', credentials: 'short' })), ['credentials']);
    await ok(a.owner.client, 'delete_connector', { connectorId: c.id });
    assert.deepEqual(await auditActions(t, a.org.id, c.id), ['connector.created', 'connector.updated', 'connector.deleted']);
  });

  it('keeps connectors to those allowed to manage them', async () => {
    assert.equal((await fails(a.member.client, 'create_connector', { name: 'x', type: 'github' })).code, 'permission_denied');
    const c = await ok(a.owner.client, 'create_connector', { name: unique('c'), type: 'github' });
    assert.equal((await fails(a.member.client, 'delete_connector', { connectorId: c.id })).code, 'permission_denied');
  });

  it('paginates list_connectors', async () => {
    const fresh = await orgWithPeople(t);
    await assertPaginates(fresh.owner.client, fresh.member.client, 'list_connectors', (i) => ['create_connector', { name: `c${i}`, type: 'github' }]);
  });

  it('hides another organization\'s connectors behind not_found', async () => {
    const theirs = await ok(other.owner.client, 'create_connector', { name: unique('theirs'), type: 'github' });
    await assertNotFound(a.owner.client, [
      ['get_connector', { connectorId: theirs.id }],
      ['update_connector', { connectorId: theirs.id, name: 'mine' }],
      ['delete_connector', { connectorId: theirs.id }],
    ]);
  });

  it('keeps mutating connector tools away from a read-only connection and declares honest annotations', async () => {
    await assertToolSurface(a.readOnly, a.owner.client, { reads: ['list_connectors', 'get_connector'], writes: ['create_connector', 'update_connector', 'delete_connector'], names: /connector/ });
  });
});
