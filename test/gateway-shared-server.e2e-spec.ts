import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { createOrg, createUser } from './support/fixtures.js';
import { rawMcp } from './support/mcp.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { mintAccess } from './support/tokens.js';

// Count constructions on the SDK mcp-nest builds its servers from (require() and import resolve to one build: scripts/app-paths.mjs).
const sdk = createRequire(import.meta.url)('@modelcontextprotocol/server') as { McpServer: { prototype: { connect(...args: unknown[]): Promise<void> } } };

function countServerConnections() {
  const original = sdk.McpServer.prototype.connect;
  const counter = {
    count: 0,
    restore: () => {
      sdk.McpServer.prototype.connect = original;
    },
  };
  sdk.McpServer.prototype.connect = function (this: unknown, ...args: unknown[]) {
    counter.count++;
    return original.apply(this, args);
  };
  return counter;
}

const call = (id: string | number, name: string, args: Record<string, unknown> = {}) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });
const list = (id: string | number) => ({ jsonrpc: '2.0', id, method: 'tools/list' });

describe('MCP gateway: one shared server per process', () => {
  let t: TestApp;
  let alice: { token: string; orgId: string };
  let bob: { token: string; orgId: string };
  let readOnly: string;

  before(async () => {
    t = await startTestApp();
    const a = await createUser(t);
    const aOrg = await createOrg(t, a);
    alice = { token: (await mintAccess(t, a, aOrg.id)).token, orgId: aOrg.id };
    const b = await createUser(t);
    const bOrg = await createOrg(t, b);
    bob = { token: (await mintAccess(t, b, bOrg.id)).token, orgId: bOrg.id };
    readOnly = (await mintAccess(t, a, aOrg.id, 'mcp:read')).token;
  });
  after(() => t.close());

  it('answers ping, tools/list and tools/call without building a server per request', async () => {
    const counter = countServerConnections();
    try {
      for (const body of [{ jsonrpc: '2.0', id: 1, method: 'ping' }, list(2), call(3, 'get_current_identity'), call(4, 'list_members', { limit: 5 })]) {
        const res = await rawMcp(t.url, body, { authorization: `Bearer ${alice.token}` });
        assert.equal(res.status, 200);
        const answer = (await res.json()) as { id: unknown; result?: { isError?: boolean } };
        assert.equal(answer.id, body.id);
        assert.ok(answer.result && answer.result.isError !== true, JSON.stringify(answer));
      }
      assert.equal(counter.count, 0);
      // The counter does see the per-request servers of what the shared server leaves to the SDK transport.
      const init = await rawMcp(t.url, { jsonrpc: '2.0', id: 9, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } }, { authorization: `Bearer ${alice.token}` });
      assert.equal(init.status, 200);
      assert.equal(((await init.json()) as { result: { serverInfo: { name: string } } }).result.serverInfo.name, 'openwork-cloud');
      assert.equal(counter.count, 1);
    } finally {
      counter.restore();
    }
  });

  it('keeps concurrent requests that reuse one id apart: each caller gets its own answer under its own id', async () => {
    const callers = Array.from({ length: 40 }, (_, i) => (i % 2 ? alice : bob));
    const ids = [1, 1, 'same', 'same', 0];
    const answers = await Promise.all(
      callers.map(async (caller, i) => {
        const id = ids[i % ids.length]!;
        const res = await rawMcp(t.url, call(id, 'get_current_identity'), { authorization: `Bearer ${caller.token}` });
        return { caller, id, answer: (await res.json()) as { id: unknown; result: { structuredContent: { organization: { id: string } } } } };
      }),
    );
    for (const { caller, id, answer } of answers) {
      assert.equal(answer.id, id);
      assert.equal(answer.result.structuredContent.organization.id, caller.orgId);
    }
  });

  it('serves tools/list per visible set: a read-only token never gets the read-write list, however the calls interleave', async () => {
    const fetchList = async (token: string, id: number) => {
      const res = await rawMcp(t.url, list(id), { authorization: `Bearer ${token}` });
      const answer = (await res.json()) as { id: number; result: { tools: { name: string; annotations: { readOnlyHint: boolean } }[] } };
      assert.equal(answer.id, id);
      return answer.result.tools;
    };
    const order = [readOnly, alice.token, readOnly, bob.token, readOnly, alice.token];
    const lists = await Promise.all([...order, ...order].map((token, i) => fetchList(token, i + 1)));
    const full = lists[1]!.map((tool) => tool.name);
    const read = lists[0]!.map((tool) => tool.name);
    assert.ok(full.length > read.length && read.length > 0);
    assert.ok(lists[0]!.every((tool) => tool.annotations.readOnlyHint === true));
    assert.ok(lists[1]!.some((tool) => tool.annotations.readOnlyHint === false));
    [...order, ...order].forEach((token, i) => assert.deepEqual(lists[i]!.map((tool) => tool.name), token === readOnly ? read : full));
    // A write tool stays refused for the read-only token on the shared path too (step-up 403).
    const res = await rawMcp(t.url, call(1, 'invite_member', { email: 'x@example.com' }), { authorization: `Bearer ${readOnly}` });
    assert.equal(res.status, 403);
    assert.match(res.headers.get('www-authenticate') ?? '', /insufficient_scope/);
  });

  it('answers protocol errors exactly as before: unknown tool, unknown method, bad headers, notifications', async () => {
    const auth = { authorization: `Bearer ${alice.token}` };
    const unknownTool = (await (await rawMcp(t.url, call(5, 'no_such_tool'), auth)).json()) as { id: number; error: { code: number } };
    assert.deepEqual([unknownTool.id, unknownTool.error.code], [5, -32602]);
    const unknownMethod = (await (await rawMcp(t.url, { jsonrpc: '2.0', id: 6, method: 'no/such' }, auth)).json()) as { id: number; error: { code: number } };
    assert.deepEqual([unknownMethod.id, unknownMethod.error.code], [6, -32601]);
    assert.equal((await rawMcp(t.url, list(7), { ...auth, accept: 'application/json' })).status, 406);
    assert.equal((await rawMcp(t.url, list(8), { ...auth, 'mcp-protocol-version': '1999-01-01' })).status, 400);
    assert.equal((await rawMcp(t.url, { jsonrpc: '2.0', method: 'notifications/initialized' }, auth)).status, 202);
  });
});
