import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { PrismaService, SecretBox } from '@app/shared';
import { callTool, toolError } from './support/mcp-client.js';
import { auditActions, fails, fieldPaths, ok, orgWithPeople, type OrgWithPeople } from './support/catalog.js';
import { startTestApp, unique, type TestApp } from './support/test-app.js';

// pino writes to fd 1 through sonic-boom (fs.write/fs.writeSync). The server's JSON log lines are
// kept here instead of cluttering the test report; anything else passes through.
const fs = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');
const logs: string[] = [];
function captureLogs(): () => void {
  const { write, writeSync } = fs;
  const swallow = (fd: unknown, data: unknown): boolean => {
    if (fd !== 1 && fd !== 2) return false;
    const text = typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
    if (!text.includes('"service":"openwork-cloud-mcp"')) return false;
    logs.push(text);
    return true;
  };
  (fs as { writeSync: unknown }).writeSync = (fd: number, data: string | Buffer, ...rest: unknown[]) =>
    swallow(fd, data) ? Buffer.byteLength(data) : (writeSync as (...a: unknown[]) => number)(fd, data, ...rest);
  (fs as { write: unknown }).write = (fd: number, data: string | Buffer, ...rest: unknown[]) => {
    if (!swallow(fd, data)) return (write as (...a: unknown[]) => void)(fd, data, ...rest);
    const callback = rest.at(-1);
    if (typeof callback === 'function') process.nextTick(callback, null, Buffer.byteLength(data));
  };
  return () => {
    Object.assign(fs, { write, writeSync });
  };
}

describe('workers, connectors, LLM providers and the audit log', () => {
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

  it('keeps workers, connectors and providers to those allowed to manage them', async () => {
    for (const [tool, args] of [
      ['create_worker', { name: 'x' }],
      ['create_connector', { name: 'x', type: 'github' }],
      ['create_llm_provider', { name: 'x', kind: 'anthropic' }],
    ] as const) {
      const e = await fails(a.member.client, tool, args);
      assert.equal(e.code, 'permission_denied', tool);
    }
    const w = await ok(a.owner.client, 'create_worker', { name: unique('w') });
    assert.equal((await fails(a.member.client, 'update_worker', { workerId: w.id, status: 'starting' })).code, 'permission_denied');
    assert.equal((await fails(a.member.client, 'delete_worker', { workerId: w.id })).code, 'permission_denied');
    const dup = await fails(a.owner.client, 'create_worker', { name: w.name });
    assert.equal(dup.code, 'already_exists');
    assert.equal(dup.details.existingId, w.id);
    assert.deepEqual(fieldPaths(await fails(a.owner.client, 'create_worker', { name: 'y', runtime: { nested: { no: 1 } } })), ['runtime.nested']);
    assert.deepEqual(fieldPaths(await fails(a.owner.client, 'update_worker', { workerId: w.id, status: 'paused' })), ['status']);
  });

  it('stores connector credentials and provider keys write-only and encrypted, and never shows them anywhere', async () => {
    const credential = `ghp_${unique('SECRETcred')}Zz9Q`;
    const apiKey = `sk-ant-${unique('SECRETkey')}Xy7W`;
    const secondKey = `sk-${unique('SECRETkey2')}Ab3C`;
    const responses: unknown[] = [];
    const record = async (client: typeof a.owner.client, tool: string, args: Record<string, unknown>) => {
      const r = await callTool(client, tool, args);
      responses.push(r.result);
      return r;
    };

    let r = await record(a.owner.client, 'create_connector', { name: unique('GitHub '), type: 'github', config: { org: 'acme' }, credentials: credential });
    assert.equal(r.isError, false);
    const connector = r.data as Record<string, any>;
    assert.equal(connector.hasCredentials, true);
    assert.equal(connector.credentialsLast4, 'Zz9Q');
    assert.deepEqual(connector.config, { org: 'acme' });

    r = await record(a.owner.client, 'create_llm_provider', { name: unique('Anthropic '), kind: 'anthropic', models: ['claude-sonnet-4-5'], apiKey });
    assert.equal(r.isError, false);
    const provider = r.data as Record<string, any>;
    assert.equal(provider.hasApiKey, true);
    assert.equal(provider.apiKeyLast4, 'Xy7W');

    // every read path, failures included
    await record(a.member.client, 'get_connector', { connectorId: connector.id });
    await record(a.member.client, 'list_connectors', { type: 'github' });
    await record(a.member.client, 'get_llm_provider', { providerId: provider.id });
    await record(a.member.client, 'list_llm_providers', {});
    r = await record(a.owner.client, 'create_connector', { name: connector.name, type: 'github', credentials: credential });
    assert.equal(toolError(r.result).code, 'already_exists');
    r = await record(a.owner.client, 'create_connector', { name: unique('c'), type: 'github', config: { apiToken: credential }, credentials: credential });
    assert.deepEqual(fieldPaths(toolError(r.result)), ['config.apiToken']);
    r = await record(a.owner.client, 'create_llm_provider', { name: unique('p'), kind: 'openai_compatible', apiKey });
    assert.deepEqual(fieldPaths(toolError(r.result)), ['baseUrl']);
    r = await record(a.owner.client, 'create_llm_provider', { name: unique('p'), kind: 'openai', baseUrl: `https://user:${apiKey}@api.example.com`, apiKey });
    assert.deepEqual(fieldPaths(toolError(r.result)), ['baseUrl']);
    r = await record(a.member.client, 'update_llm_provider', { providerId: provider.id, apiKey });
    assert.equal(toolError(r.result).code, 'permission_denied');
    r = await record(a.owner.client, 'update_llm_provider', { providerId: provider.id, apiKey: secondKey, models: ['claude-opus-4-1'] });
    assert.equal((r.data as any).apiKeyLast4, 'Ab3C');
    r = await record(a.owner.client, 'update_connector', { connectorId: connector.id, credentials: null });
    assert.equal((r.data as any).hasCredentials, false);
    assert.equal((r.data as any).credentialsLast4, null);
    r = await record(a.owner.client, 'update_connector', { connectorId: connector.id, credentials: credential, config: { org: 'acme', team: 'core' } });
    assert.equal((r.data as any).hasCredentials, true);
    await record(a.owner.client, 'list_audit_events', { limit: 200 });

    // encrypted at rest, bound to its row
    const prisma = t.get(PrismaService);
    const rowC = await prisma.connector.findUniqueOrThrow({ where: { id: connector.id } });
    const rowP = await prisma.llmProvider.findUniqueOrThrow({ where: { id: provider.id } });
    assert.ok(!rowC.credentialsEncrypted!.includes(credential));
    assert.ok(!rowP.apiKeyEncrypted!.includes(secondKey));
    const box = t.get(SecretBox);
    assert.equal(box.open(rowC.credentialsEncrypted!, `connector:${a.org.id}:${connector.id}:credentials`), credential);
    assert.equal(box.open(rowP.apiKeyEncrypted!, `llm_provider:${a.org.id}:${provider.id}:api_key`), secondKey);
    assert.throws(() => box.open(rowP.apiKeyEncrypted!, `llm_provider:${a.org.id}:${connector.id}:api_key`));
    const audit = await prisma.auditEvent.findMany({ where: { orgId: a.org.id } });

    const everything = JSON.stringify(responses) + JSON.stringify(audit);
    const logText = logs.join('');
    assert.ok(logText.length > 0, 'server logs were captured');
    assert.match(logText, /"level":20|"level":30/, 'debug/info logs were captured');
    for (const secret of [credential, apiKey, secondKey]) {
      assert.ok(!everything.includes(secret), 'a tool response or audit event contains a secret');
      assert.ok(!logText.includes(secret), 'a log line contains a secret');
      for (const fragment of [secret.slice(0, -4), secret.slice(4, -2)]) {
        assert.ok(!everything.includes(fragment) && !logText.includes(fragment), 'part of a secret leaked');
      }
    }
  });

  it('manages connectors and providers end to end', async () => {
    const c = await ok(a.owner.client, 'create_connector', { name: unique('Slack '), type: 'slack', config: { workspace: 'acme' } });
    assert.equal(c.hasCredentials, false);
    const renamed = await ok(a.owner.client, 'update_connector', { connectorId: c.id, name: `${c.name} 2` });
    assert.equal(renamed.name, `${c.name} 2`);
    assert.deepEqual(renamed.config, { workspace: 'acme' });
    assert.deepEqual(fieldPaths(await fails(a.owner.client, 'create_connector', { name: 'z', type: 'Has Space' })), ['type']);
    assert.deepEqual(fieldPaths(await fails(a.owner.client, 'create_connector', { name: 'z', type: 'x', credentials: 'short' })), ['credentials']);
    await ok(a.owner.client, 'delete_connector', { connectorId: c.id });
    assert.deepEqual(await auditActions(t, a.org.id, c.id), ['connector.created', 'connector.updated', 'connector.deleted']);

    const p = await ok(a.owner.client, 'create_llm_provider', { name: unique('Local '), kind: 'ollama', baseUrl: 'http://127.0.0.1:11434/', models: ['llama3', 'llama3'] });
    assert.equal(p.baseUrl, 'http://127.0.0.1:11434');
    assert.deepEqual(p.models, ['llama3']);
    assert.equal(p.hasApiKey, false);
    assert.deepEqual(fieldPaths(await fails(a.owner.client, 'update_llm_provider', { providerId: p.id, baseUrl: null })), ['baseUrl']);
    const switched = await ok(a.owner.client, 'update_llm_provider', { providerId: p.id, kind: 'openai', baseUrl: null });
    assert.equal(switched.baseUrl, null);
    const dup = await fails(a.owner.client, 'create_llm_provider', { name: p.name, kind: 'openai' });
    assert.equal(dup.details.existingId, p.id);
    assert.deepEqual(fieldPaths(await fails(a.owner.client, 'create_llm_provider', { name: 'q', kind: 'skynet' })), ['kind']);
    await ok(a.owner.client, 'delete_llm_provider', { providerId: p.id });
    assert.deepEqual(await auditActions(t, a.org.id, p.id), ['llm_provider.created', 'llm_provider.updated', 'llm_provider.deleted']);
  });

  it('paginates workers, connectors and providers', async () => {
    const fresh = await orgWithPeople(t);
    for (let i = 0; i < 3; i++) {
      await ok(fresh.owner.client, 'create_worker', { name: `w${i}` });
      await ok(fresh.owner.client, 'create_connector', { name: `c${i}`, type: 'github' });
      await ok(fresh.owner.client, 'create_llm_provider', { name: `p${i}`, kind: 'openai' });
    }
    for (const tool of ['list_workers', 'list_connectors', 'list_llm_providers']) {
      const first = await ok(fresh.member.client, tool, { limit: 2 });
      assert.equal(first.items.length, 2, tool);
      const second = await ok(fresh.member.client, tool, { limit: 2, cursor: first.nextCursor });
      assert.equal(second.items.length, 1, tool);
      assert.equal(second.nextCursor, null, tool);
    }
  });

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

  it('hides another organization\'s workers, connectors and providers behind not_found', async () => {
    const w = await ok(other.owner.client, 'create_worker', { name: unique('theirs') });
    const c = await ok(other.owner.client, 'create_connector', { name: unique('theirs'), type: 'github' });
    const p = await ok(other.owner.client, 'create_llm_provider', { name: unique('theirs'), kind: 'openai' });
    for (const [tool, args] of [
      ['get_worker', { workerId: w.id }],
      ['update_worker', { workerId: w.id, status: 'starting' }],
      ['delete_worker', { workerId: w.id }],
      ['get_connector', { connectorId: c.id }],
      ['update_connector', { connectorId: c.id, name: 'mine' }],
      ['delete_connector', { connectorId: c.id }],
      ['get_llm_provider', { providerId: p.id }],
      ['update_llm_provider', { providerId: p.id, name: 'mine' }],
      ['delete_llm_provider', { providerId: p.id }],
    ] as const) {
      assert.equal((await fails(a.owner.client, tool, args)).code, 'not_found', tool);
    }
    const mine = await ok(a.owner.client, 'list_workers', { limit: 200 });
    assert.ok(!mine.items.some((x: { id: string }) => x.id === w.id));
    assert.equal((await ok(other.owner.client, 'get_worker', { workerId: w.id })).status, 'stopped');
  });

  it('keeps mutating tools away from a read-only connection and declares honest annotations', async () => {
    const names = (await a.readOnly.listTools()).tools.map((x) => x.name);
    for (const name of ['list_workers', 'get_worker', 'list_connectors', 'get_connector', 'list_llm_providers', 'get_llm_provider']) assert.ok(names.includes(name), name);
    for (const name of ['create_worker', 'update_worker', 'delete_worker', 'create_connector', 'update_connector', 'delete_connector', 'create_llm_provider', 'update_llm_provider', 'delete_llm_provider']) {
      assert.ok(!names.includes(name), name);
    }
    const all = (await a.owner.client.listTools()).tools;
    for (const tool of all.filter((x) => /worker|connector|llm_provider|audit/.test(x.name))) {
      assert.equal(tool.annotations!.readOnlyHint, /^(list|get)_/.test(tool.name), tool.name);
      assert.equal(tool.annotations!.destructiveHint, tool.name.startsWith('delete_'), tool.name);
      assert.equal(tool.annotations!.openWorldHint, false, tool.name);
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) assert.ok((schema as { description?: string }).description, `${tool.name}.${field}`);
    }
  });
});
