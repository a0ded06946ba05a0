import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { McpServerHost } from '../apps/api/src/gateway/mcp-server.host.js';
import { addMember, createOrg, createUser } from './support/fixtures.js';
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

// Protocol revision 2026-07-28: the envelope in params._meta, the standard headers beside it.
const MODERN = '2026-07-28';
const FORM = { elicitation: { form: {} } };
function modern(id: number, method: string, params: Record<string, unknown> = {}, capabilities: Record<string, unknown> = {}) {
  const named = (params.name ?? params.uri) as string | undefined;
  return {
    body: {
      jsonrpc: '2.0',
      id,
      method,
      params: {
        ...params,
        _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientCapabilities': capabilities, 'io.modelcontextprotocol/clientInfo': { name: 'modern', version: '1' } },
      },
    },
    headers: { 'mcp-protocol-version': MODERN, 'mcp-method': method, ...(named !== undefined && { 'mcp-name': named }) },
  };
}

/** Status and JSON-RPC message of an answer, JSON or SSE. */
async function answerOf(res: globalThis.Response): Promise<{ status: number; body: Record<string, any> }> {
  const text = await res.text();
  const data = text.startsWith('{') ? text : text.split('\n').filter((line) => line.startsWith('data: ')).pop()!.slice(6);
  return { status: res.status, body: JSON.parse(data) };
}

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

  it('answers 2026-07-28 requests on the shared server too: no server per request, and server/discover still gets its own', async () => {
    const auth = { authorization: `Bearer ${alice.token}` };
    const counter = countServerConnections();
    try {
      const requests = [
        modern(2, 'tools/list'),
        modern(3, 'tools/call', { name: 'get_current_identity', arguments: {} }),
        modern(4, 'tools/call', { name: 'list_members', arguments: { limit: 5 } }),
        modern(5, 'prompts/list'),
        modern(6, 'resources/list'),
      ];
      for (const { body, headers } of requests) {
        const { status, body: answer } = await answerOf(await rawMcp(t.url, body, { ...auth, ...headers }));
        assert.equal(status, 200, JSON.stringify(answer));
        assert.equal(answer.id, body.id);
        assert.ok(answer.result && answer.result.isError !== true, JSON.stringify(answer));
      }
      const identity = await answerOf(await rawMcp(t.url, requests[1]!.body, { ...auth, ...requests[1]!.headers }));
      assert.equal(identity.body.result.structuredContent.organization.id, alice.orgId);
      assert.equal(counter.count, 0);
      const discover = modern(7, 'server/discover');
      assert.equal((await rawMcp(t.url, discover.body, { ...auth, ...discover.headers })).status, 200);
      assert.equal(counter.count, 1);
    } finally {
      counter.restore();
    }
  });

  it('answers 2026-07-28 requests exactly as a server built for the request does', async () => {
    const owner = await createUser(t);
    const org = await createOrg(t, owner, { confirmRiskyChanges: 'always' });
    const member = await createUser(t);
    await addMember(t, org.slug, member);
    const auth = { authorization: `Bearer ${(await mintAccess(t, owner, org.id)).token}` };
    const requests = [
      modern(1, 'ping'),
      modern(2, 'tools/list'),
      modern(3, 'tools/call', { name: 'get_current_identity', arguments: {} }),
      modern(4, 'tools/call', { name: 'list_members', arguments: { limit: 2 } }),
      // A domain error, invalid input, a tool that does not exist, a method this revision does not have.
      modern(5, 'tools/call', { name: 'get_member', arguments: { member: 'nobody@example.com' } }),
      modern(6, 'tools/call', { name: 'list_members', arguments: { limit: 'many' } }),
      modern(7, 'tools/call', { name: 'no_such_tool', arguments: {} }),
      modern(8, 'completion/complete', { ref: { type: 'ref/prompt', name: 'invite-teammate' }, argument: { name: 'role', value: 'ad' } }),
      modern(9, 'prompts/get', { name: 'check-identity', arguments: {} }),
      modern(10, 'resources/read', { uri: 'skill://no-such-skill' }),
      // A risky call: without form elicitation, and with it (input_required with a sealed requestState).
      modern(11, 'tools/call', { name: 'remove_member', arguments: { member: member.email } }),
      modern(12, 'tools/call', { name: 'remove_member', arguments: { member: member.email } }, FORM),
      // A forged requestState answered on the retry.
      modern(13, 'tools/call', { name: 'remove_member', arguments: { member: member.email }, requestState: 'v1.forged.state', inputResponses: { confirm: { action: 'accept', content: { confirm: true } } } }, FORM),
    ];
    const host = t.get(McpServerHost);
    const lanes = (host.shared as unknown as { lanes: Record<string, unknown> }).lanes;
    type Answer = Awaited<ReturnType<typeof answerOf>>;
    const shared: Answer[] = [];
    for (const { body, headers } of requests) shared.push(await answerOf(await rawMcp(t.url, body, { ...auth, ...headers })));
    const lane = lanes.modern;
    delete lanes.modern;
    const perRequest: Answer[] = [];
    try {
      for (const { body, headers } of requests) perRequest.push(await answerOf(await rawMcp(t.url, body, { ...auth, ...headers })));
    } finally {
      lanes.modern = lane;
    }
    // Approvals, their expiry and sealed states are minted per call; everything else must be the same.
    const minted = (answer: unknown) =>
      JSON.stringify(answer)
        .replace(/"requestState":"[^"]+"/g, '"requestState":"…"')
        .replace(/approvalId\\":\\"[A-Za-z0-9_-]+/g, 'approvalId…')
        .replace(/approvals\/[A-Za-z0-9_-]+/g, 'approvals/…')
        .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'time');
    requests.forEach(({ body }, i) => {
      assert.equal(shared[i]!.status, perRequest[i]!.status, `${body.method} ${JSON.stringify(body.params)}`);
      assert.deepEqual(JSON.parse(minted(shared[i]!.body)), JSON.parse(minted(perRequest[i]!.body)), `${body.method} ${JSON.stringify(body.params)}`);
    });
    assert.equal(shared[0]!.status, 404);
    assert.equal(shared[11]!.body.result.resultType, 'input_required', JSON.stringify(shared[11]));
  });

  it('leaves 2026-07-28 requests with irregular standard headers to the SDK, which refuses them as before', async () => {
    const auth = { authorization: `Bearer ${alice.token}` };
    const counter = countServerConnections();
    try {
      const { body, headers } = modern(1, 'tools/call', { name: 'get_current_identity', arguments: {} });
      const refusals = [
        { ...headers, 'mcp-name': 'list_members' },
        { ...headers, 'mcp-method': 'tools/list' },
        { 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/call' },
        { ...headers, 'mcp-protocol-version': '2025-06-18' },
      ];
      for (const irregular of refusals) {
        const res = await rawMcp(t.url, body, { ...auth, ...irregular });
        assert.equal(res.status, 400, JSON.stringify(irregular));
      }
      assert.equal(counter.count, 0);
    } finally {
      counter.restore();
    }
  });
});
