import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PrismaService, SecretBox } from '@app/shared';
import { auditActions, fieldPaths, orgWithPeople, type OrgWithPeople } from './support/fixtures.js';
import { assertNotFound, assertPaginates, assertToolSurface, fails, ok, recordingCalls, toolError } from './support/mcp.js';
import { assertNoSecretLeaked, captureLogs } from './support/logs.js';
import { startTestApp, unique, type TestApp } from './support/test-app.js';

describe('LLM providers', () => {
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

  it('stores provider API keys write-only and encrypted, and never shows them anywhere', async () => {
    const apiKey = `sk-ant-${unique('SECRETkey')}Xy7W`;
    const secondKey = `sk-${unique('SECRETkey2')}Ab3C`;
    const { results: responses, call: record } = recordingCalls();

    let r = await record(a.owner.client, 'create_llm_provider', { name: unique('Anthropic '), kind: 'anthropic', models: ['claude-sonnet-4-5'], apiKey });
    assert.equal(r.isError, false);
    const provider = r.data as Record<string, any>;
    assert.equal(provider.hasApiKey, true);
    assert.equal(provider.apiKeyLast4, 'Xy7W');

    // every read path, failures included
    await record(a.member.client, 'get_llm_provider', { providerId: provider.id });
    await record(a.member.client, 'list_llm_providers', {});
    r = await record(a.owner.client, 'create_llm_provider', { name: unique('p'), kind: 'openai_compatible', apiKey });
    assert.deepEqual(fieldPaths(toolError(r.result)), ['baseUrl']);
    r = await record(a.owner.client, 'create_llm_provider', { name: unique('p'), kind: 'openai', baseUrl: `https://user:${apiKey}@api.example.com`, apiKey });
    assert.deepEqual(fieldPaths(toolError(r.result)), ['baseUrl']);
    r = await record(a.member.client, 'update_llm_provider', { providerId: provider.id, apiKey });
    assert.equal(toolError(r.result).code, 'permission_denied');
    r = await record(a.owner.client, 'update_llm_provider', { providerId: provider.id, apiKey: secondKey, models: ['claude-opus-4-1'] });
    assert.equal((r.data as any).apiKeyLast4, 'Ab3C');
    await record(a.owner.client, 'list_audit_events', { limit: 200 });

    // encrypted at rest, bound to its row
    const prisma = t.get(PrismaService);
    const row = await prisma.llmProvider.findUniqueOrThrow({ where: { id: provider.id } });
    assert.ok(!row.apiKeyEncrypted!.includes(secondKey));
    const box = t.get(SecretBox);
    assert.equal(box.open(row.apiKeyEncrypted!, `llm_provider:${a.org.id}:${provider.id}:api_key`), secondKey);
    assert.throws(() => box.open(row.apiKeyEncrypted!, `llm_provider:${a.org.id}:${a.org.id}:api_key`));
    const audit = await prisma.auditEvent.findMany({ where: { orgId: a.org.id } });
    assertNoSecretLeaked(JSON.stringify(responses) + JSON.stringify(audit), [apiKey, secondKey]);
  });

  it('manages LLM providers end to end', async () => {
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

  it('keeps LLM providers to those allowed to manage them', async () => {
    assert.equal((await fails(a.member.client, 'create_llm_provider', { name: 'x', kind: 'anthropic' })).code, 'permission_denied');
    const p = await ok(a.owner.client, 'create_llm_provider', { name: unique('p'), kind: 'openai' });
    assert.equal((await fails(a.member.client, 'delete_llm_provider', { providerId: p.id })).code, 'permission_denied');
  });

  it('paginates list_llm_providers', async () => {
    const fresh = await orgWithPeople(t);
    await assertPaginates(fresh.owner.client, fresh.member.client, 'list_llm_providers', (i) => ['create_llm_provider', { name: `p${i}`, kind: 'openai' }]);
  });

  it('hides another organization\'s LLM providers behind not_found', async () => {
    const theirs = await ok(other.owner.client, 'create_llm_provider', { name: unique('theirs'), kind: 'openai' });
    await assertNotFound(a.owner.client, [
      ['get_llm_provider', { providerId: theirs.id }],
      ['update_llm_provider', { providerId: theirs.id, name: 'mine' }],
      ['delete_llm_provider', { providerId: theirs.id }],
    ]);
  });

  it('keeps mutating LLM provider tools away from a read-only connection and declares honest annotations', async () => {
    await assertToolSurface(a.readOnly, a.owner.client, { reads: ['list_llm_providers', 'get_llm_provider'], writes: ['create_llm_provider', 'update_llm_provider', 'delete_llm_provider'], names: /llm_provider/ });
  });
});
