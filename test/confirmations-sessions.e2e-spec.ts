import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, McpError, type ElicitRequest, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import type { Account } from '@app/identity';
import { SESSION_COOKIE } from '@app/identity';
import { AccessTokenIssuer, GrantRepository } from '@app/oauth';
import { Clock, PrismaService } from '@app/shared';
import { ElicitationRelay } from '../apps/api/src/gateway/elicitation-relay.js';
import { addMember, createUser } from './support/fixtures.js';
import { callTool, rawMcp, toolError } from './support/mcp.js';
import { freePort, onPostgres, startTestApp, type TestApp } from './support/test-app.js';
import { auditEvents, isMember, orgWithMember } from './support/confirmations.js';
import { mintAccess } from './support/tokens.js';

const FORM = { elicitation: { form: {} } };
const URL_ONLY = { elicitation: { url: {} } };
const TEN_MINUTES = 10 * 60 * 1000;
const DAY = 24 * 60 * 60 * 1000;

type Answer = (request: ElicitRequest, requestId: string | number) => ElicitResult | Promise<ElicitResult>;

interface Exchange {
  method: string;
  status: number;
  contentType: string;
}

/**
 * The MCP TypeScript SDK client on Streamable HTTP (2025-11-25), declaring `capabilities` and answering
 * elicitations with `answer`; `exchanges` records what each POST carried and got back.
 */
async function connect(url: string, token: string, capabilities: Record<string, unknown>, answer?: Answer) {
  const asked: ElicitRequest['params'][] = [];
  const exchanges: Exchange[] = [];
  const client = new Client({ name: 'elicit-e2e', version: '1.0.0' }, { capabilities });
  if (answer) {
    client.setRequestHandler(ElicitRequestSchema, async (req, extra) => {
      asked.push(req.params);
      return answer(req, extra.requestId);
    });
  }
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
    fetch: async (input, init) => {
      const res = await fetch(input, init);
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { method?: string }) : undefined;
      exchanges.push({ method: init?.method === 'POST' ? (body?.method ?? 'response') : (init?.method ?? 'GET'), status: res.status, contentType: res.headers.get('content-type') ?? '' });
      return res;
    },
  });
  await client.connect(transport);
  return { client, transport, asked, exchanges };
}

function initialize(protocolVersion: string, capabilities: Record<string, unknown>) {
  return { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion, capabilities, clientInfo: { name: 'raw', version: '1' } } };
}

async function sessionFor(t: TestApp, token: string, capabilities: Record<string, unknown> = FORM): Promise<string> {
  const res = await rawMcp(t.url, initialize('2025-11-25', capabilities), { authorization: `Bearer ${token}` });
  assert.equal(res.status, 200);
  const id = res.headers.get('mcp-session-id');
  assert.ok(id, 'a session id');
  return id;
}

/** The person on the approval page, signed in with their web session: Approve or Reject. */
async function decideInBrowser(t: TestApp, sessionToken: string, url: string, decision: 'approve' | 'reject'): Promise<void> {
  const path = new URL(url).pathname;
  const cookies = new Map([[SESSION_COOKIE, sessionToken]]);
  const send = async (init: RequestInit = {}) => {
    const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const res = await fetch(`${t.url}${path}`, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie } });
    for (const line of res.headers.getSetCookie()) {
      const [name, value] = line.split(';')[0]!.split('=') as [string, string];
      cookies.set(name, value);
    }
    return res;
  };
  const csrf = /name="csrf" value="([^"]+)"/.exec(await (await send()).text())?.[1];
  assert.ok(csrf, 'the approval page shows its form');
  const res = await send({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf, decision }).toString() });
  assert.equal(res.status, 200);
}

function summaryPattern(org: { name: string }, bob: Account): RegExp {
  return new RegExp(`Remove Bob Member <${bob.email.replace(/[.+]/g, '\\$&')}> \\(role member\\) from ${org.name}`);
}

describe('2025-revision sessions: Mcp-Session-Id for clients that declare elicitation', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('is issued at initialize on 2025-11-25 and 2025-06-18 when elicitation is declared, and only then', async () => {
    const { token } = await orgWithMember(t);
    const auth = { authorization: `Bearer ${token}` };
    for (const [version, capabilities, issued] of [
      ['2025-11-25', FORM, true],
      ['2025-11-25', URL_ONLY, true],
      ['2025-06-18', { elicitation: {} }, true],
      ['2025-11-25', {}, false],
      ['2025-06-18', { sampling: {} }, false],
      ['2025-03-26', FORM, false],
    ] as const) {
      const res = await rawMcp(t.url, initialize(version, capabilities), auth);
      assert.equal(res.status, 200, `${version} ${JSON.stringify(capabilities)}`);
      const id = res.headers.get('mcp-session-id');
      assert.equal(Boolean(id), issued, `${version} ${JSON.stringify(capabilities)}`);
      if (id) assert.match(id, /^s1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
      assert.equal(((await res.json()) as { result?: { protocolVersion?: string } }).result?.protocolVersion, version);
    }
  });

  it('is verified on every request: tampered, foreign or expired is 404, malformed 400, and no header stays stateless', async () => {
    const { owner, org, token, access } = await orgWithMember(t);
    const session = await sessionFor(t, token);
    const list = (headers: Record<string, string>) => rawMcp(t.url, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { authorization: `Bearer ${token}`, ...headers });
    assert.equal((await list({ 'mcp-session-id': session })).status, 200);
    assert.equal((await list({})).status, 200, 'without a session: stateless, as before');

    const [v, body, mac] = session.split('.') as [string, string, string];
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const reclaimed = (change: Record<string, unknown>) => `${v}.${Buffer.from(JSON.stringify({ ...claims, ...change })).toString('base64url')}.${mac}`;
    const otherGrant = await sessionFor(t, (await mintAccess(t, owner, org.id)).token);
    const notFound = [
      ['body altered', `${v}.${flip(body, 5)}.${mac}`],
      ['mac altered', `${v}.${body}.${flip(mac, 7)}`],
      ['longer expiry', reclaimed({ exp: (claims.exp as number) + DAY })],
      ['URL added', reclaimed({ l: true })],
      ['another grant', otherGrant],
    ];
    for (const [label, id] of notFound) {
      const res = await list({ 'mcp-session-id': id! });
      assert.equal(res.status, 404, label);
      assert.deepEqual(((await res.json()) as { error: unknown }).error, { code: -32001, message: 'Session not found' }, label);
    }
    for (const malformed of ['nonsense', `${v}.${body}`, `s2.${body}.${mac}`, `${session}, ${session}`, `${v}.${body}.${mac}x`, ' ']) {
      assert.equal((await list({ 'mcp-session-id': malformed })).status, 400, malformed.slice(0, 30));
    }
    // Refused before the tool runs: a risky call on a bad session changes nothing.
    const refused = await rawMcp(t.url, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'list_members', arguments: {} } }, { authorization: `Bearer ${token}`, 'mcp-session-id': otherGrant });
    assert.equal(refused.status, 404);

    const clock = t.get(Clock);
    clock.advance(DAY + 1000);
    try {
      // The same grant a day later, with a fresh access token.
      const grant = await t.get(GrantRepository).findById(access.grantId);
      const later = (await t.get(AccessTokenIssuer).issue(grant!, 'mcp:read mcp:write')).accessToken;
      const expired = await rawMcp(t.url, { jsonrpc: '2.0', id: 4, method: 'tools/list' }, { authorization: `Bearer ${later}`, 'mcp-session-id': session });
      assert.equal(expired.status, 404, 'expired after 24 hours');
      // A client holding a stale id can always start over.
      assert.equal((await rawMcp(t.url, initialize('2025-11-25', FORM), { authorization: `Bearer ${later}`, 'mcp-session-id': session })).status, 200);
    } finally {
      clock.advance(-(DAY + 1000));
    }
  });

  it('accept: the SDK client is asked one boolean on the call stream; the change is made and audited as form', async () => {
    const { org, bob, owner, token } = await orgWithMember(t);
    const { client, transport, asked, exchanges } = await connect(t.url, token, FORM, () => ({ action: 'accept', content: { confirm: true } }));
    try {
      assert.match(transport.sessionId ?? '', /^s1\./);
      const listed = await callTool(client, 'list_members');
      assert.equal(listed.isError, false);
      const done = await callTool(client, 'remove_member', { member: bob.email });
      assert.equal(done.isError, false, JSON.stringify(done.result));
      assert.equal(asked.length, 1);
      const question = asked[0] as Record<string, any>;
      assert.equal(question.mode, 'form');
      assert.match(question.message, summaryPattern(org, bob));
      assert.match(question.message, /1 person affected/);
      assert.deepEqual(Object.keys(question.requestedSchema.properties), ['confirm']);
      assert.equal(question.requestedSchema.properties.confirm.type, 'boolean');
      assert.deepEqual(question.requestedSchema.required, ['confirm']);
      const calls = exchanges.filter((e) => e.method === 'tools/call');
      assert.match(calls[0]!.contentType, /application\/json/, 'a call that asks nothing stays JSON');
      assert.match(calls[1]!.contentType, /text\/event-stream/, 'the risky call streams its question');
      assert.deepEqual(exchanges.filter((e) => e.method === 'response').map((e) => e.status), [202]);
    } finally {
      await client.close();
    }
    assert.equal(await isMember(t, org.id, bob), false);
    const [event] = await auditEvents(t, org.id, 'form');
    assert.equal(event?.action, 'member.removed');
    const evidence = (event!.details as Record<string, any>).approval;
    assert.equal(evidence.method, 'form');
    assert.equal(evidence.approvedByUserId, owner.id);
  });

  for (const [label, answer] of [
    ['decline', { action: 'decline' }],
    ['cancel', { action: 'cancel' }],
    ['accept with confirm: false', { action: 'accept', content: { confirm: false } }],
  ] as const) {
    it(`${label}: nothing changes, the tool answers confirmation_declined, audited as declined`, async () => {
      const { org, bob, token } = await orgWithMember(t);
      const { client, asked } = await connect(t.url, token, FORM, () => answer);
      try {
        const answered = await callTool(client, 'remove_member', { member: bob.email });
        assert.equal(toolError(answered.result).code, 'confirmation_declined');
        assert.equal(asked.length, 1);
      } finally {
        await client.close();
      }
      assert.ok(await isMember(t, org.id, bob));
      const events = await auditEvents(t, org.id);
      assert.deepEqual(events.map((e) => [e.action, e.approval]), [['confirmation.declined', 'declined']]);
      assert.equal((events[0]!.details as Record<string, any>).via, 'form');
    });
  }

  it('an answer after the confirmation lapsed is confirmation_expired, audited as expired', async () => {
    const { org, bob, token } = await orgWithMember(t);
    const clock = t.get(Clock);
    const { client } = await connect(t.url, token, FORM, () => {
      clock.advance(TEN_MINUTES + 1000);
      return { action: 'accept', content: { confirm: true } };
    });
    try {
      const late = await callTool(client, 'remove_member', { member: bob.email });
      assert.equal(toolError(late.result).code, 'confirmation_expired');
    } finally {
      clock.advance(-(TEN_MINUTES + 1000));
      await client.close();
    }
    assert.ok(await isMember(t, org.id, bob));
    assert.deepEqual((await auditEvents(t, org.id)).map((e) => [e.action, e.approval]), [['confirmation.expired', 'expired']]);
  });

  it('only the asking grant and user can answer; an answer to an unknown id is accepted and dropped', async () => {
    const { org, bob, owner, token } = await orgWithMember(t);
    const admin = await createUser(t, { name: 'Ada Admin' });
    await addMember(t, org.slug, admin, 'admin');
    const strangers = [
      { token: (await mintAccess(t, owner, org.id)).token, label: 'same user, another grant' },
      { token: (await mintAccess(t, admin, org.id)).token, label: 'another user' },
    ];
    const forged: Array<[string, number]> = [];
    const { client } = await connect(t.url, token, FORM, async (_req, id) => {
      for (const stranger of strangers) {
        const session = await sessionFor(t, stranger.token);
        const res = await rawMcp(t.url, { jsonrpc: '2.0', id, result: { action: 'accept', content: { confirm: true } } }, { authorization: `Bearer ${stranger.token}`, 'mcp-session-id': session });
        forged.push([stranger.label, res.status]);
      }
      // Their answers were taken (202) but settle nothing: the person is still being asked.
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.ok(await isMember(t, org.id, bob));
      return { action: 'decline' };
    });
    try {
      const answered = await callTool(client, 'remove_member', { member: bob.email });
      assert.equal(toolError(answered.result).code, 'confirmation_declined');
    } finally {
      await client.close();
    }
    assert.deepEqual(forged, strangers.map((s) => [s.label, 202]));
    assert.ok(await isMember(t, org.id, bob));

    const session = await sessionFor(t, token);
    for (const id of ['elicit-unknown', 42, 'x'.repeat(500)]) {
      const res = await rawMcp(t.url, { jsonrpc: '2.0', id, result: { action: 'accept', content: { confirm: true } } }, { authorization: `Bearer ${token}`, 'mcp-session-id': session });
      assert.equal(res.status, 202, String(id).slice(0, 20));
    }
  });

  it('a call whose client goes away stops waiting: an answer sent afterwards changes nothing', async () => {
    const { org, bob, token } = await orgWithMember(t);
    const session = await sessionFor(t, token);
    const headers = { authorization: `Bearer ${token}`, 'mcp-session-id': session };
    const abort = new AbortController();
    const res = await fetch(`${t.url}/mcp`, {
      method: 'POST',
      signal: abort.signal,
      headers: { ...headers, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'remove_member', arguments: { member: bob.email } } }),
    });
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    while (!/\n\n/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    const question = JSON.parse(/^data: (.*)$/m.exec(text)![1]!) as { id: string; method: string };
    assert.equal(question.method, 'elicitation/create');
    abort.abort();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const late = await rawMcp(t.url, { jsonrpc: '2.0', id: question.id, result: { action: 'accept', content: { confirm: true } } }, headers);
    assert.equal(late.status, 202);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(await isMember(t, org.id, bob));
    assert.deepEqual(await auditEvents(t, org.id), []);
  });

  it('the relay ends a question at its deadline, when its stream closes, or with the answer of its own grant and user only', async () => {
    const relay = t.get(ElicitationRelay);
    const form = { message: 'Confirm?', requestedSchema: { type: 'object', properties: {} } };
    const owner = { grantId: 'grant-1', userId: 'user-1' };
    const streamOf = () => {
      const sent: Array<{ id: string; method: string; params: Record<string, unknown> }> = [];
      const closing = new AbortController();
      return { sent, closing, stream: { send: (m: unknown) => sent.push(m as never) > 0, closed: closing.signal } };
    };

    const silent = streamOf();
    const started = Date.now();
    assert.deepEqual(await relay.ask(silent.stream, owner, form, 200), { action: 'expired' });
    assert.ok(Date.now() - started >= 190);
    assert.equal(silent.sent[0]?.method, 'elicitation/create');
    assert.deepEqual(silent.sent[0]?.params, { mode: 'form', ...form });

    const leaving = streamOf();
    const left = relay.ask(leaving.stream, owner, form, 60_000);
    leaving.closing.abort();
    assert.deepEqual(await left, { action: 'abandoned' });

    const answered = streamOf();
    const asking = relay.ask(answered.stream, owner, form, 60_000);
    await new Promise((resolve) => setImmediate(resolve));
    const id = answered.sent[0]!.id;
    const reply = (principal: { grantId: string; userId: string }, result: unknown) => relay.answer({ jsonrpc: '2.0', id, result } as never, principal as never);
    await reply({ grantId: 'grant-2', userId: 'user-1' }, { action: 'accept', content: { confirm: true } });
    await reply({ grantId: 'grant-1', userId: 'user-2' }, { action: 'accept', content: { confirm: true } });
    await reply(owner, { action: 'decline' });
    await reply(owner, { action: 'accept', content: { confirm: true } });
    assert.deepEqual(await asking, { action: 'decline' });
  });

  it('lowering confirmRiskyChanges to never is never asked on the stream: the browser page only', async () => {
    const { org, token } = await orgWithMember(t);
    const { client, asked } = await connect(t.url, token, FORM, () => ({ action: 'accept', content: { confirm: true } }));
    try {
      const lowering = await callTool(client, 'update_organization', { confirmRiskyChanges: 'never' });
      const error = toolError(lowering.result);
      assert.equal(error.code, 'confirmation_required');
      assert.match(String(error.details.approvalUrl), /\/approvals\//);
      assert.equal(asked.length, 0);
    } finally {
      await client.close();
    }
    const stored = await t.get(PrismaService).organization.findUniqueOrThrow({ where: { id: org.id } });
    assert.equal(stored.confirmRiskyChanges, 'always');
  });
});

describe('2025-revision sessions that declared URL elicitation: the approval page as error -32042', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  async function urlElicitationOf(call: Promise<unknown>) {
    const error = await call.then(
      (result) => assert.fail(`expected -32042, got ${JSON.stringify(result)}`),
      (e: unknown) => e,
    );
    assert.ok(error instanceof McpError, String(error));
    assert.equal(error.code, -32042);
    const [elicitation, ...more] = (error.data as { elicitations: Array<Record<string, string>> }).elicitations;
    assert.equal(more.length, 0);
    return elicitation!;
  }

  it('offers /approvals/:id, again while pending; after Approve the same call runs once, audited as browser', async () => {
    const { org, bob, owner, token, access } = await orgWithMember(t);
    const { client } = await connect(t.url, token, URL_ONLY);
    try {
      const first = await urlElicitationOf(client.callTool({ name: 'remove_member', arguments: { member: bob.email } }));
      assert.equal(first.mode, 'url');
      assert.equal(first.url, `${t.config.publicUrl}/approvals/${first.elicitationId}`);
      assert.match(first.message!, summaryPattern(org, bob));
      const again = await urlElicitationOf(client.callTool({ name: 'remove_member', arguments: { member: bob.email } }));
      assert.equal(again.elicitationId, first.elicitationId, 'the pending approval is offered again, not a second one');
      assert.ok(await isMember(t, org.id, bob));

      await decideInBrowser(t, access.sessionToken, first.url!, 'approve');
      const done = await callTool(client, 'remove_member', { member: bob.email });
      assert.equal(done.isError, false, JSON.stringify(done.result));
    } finally {
      await client.close();
    }
    assert.equal(await isMember(t, org.id, bob), false);
    const [event] = await auditEvents(t, org.id, 'browser');
    assert.equal(event?.action, 'member.removed');
    assert.equal((event!.details as Record<string, any>).approval.approvalId, (await t.get(PrismaService).approval.findFirstOrThrow({ where: { orgId: org.id } })).id);
    assert.equal((event!.details as Record<string, any>).approval.approvedByUserId, owner.id);
    assert.equal(await t.get(PrismaService).approval.count({ where: { orgId: org.id } }), 1);
  });

  it('after Reject the retry is declined once; a later identical call asks again with a new approval', async () => {
    const { org, bob, token, access } = await orgWithMember(t);
    const { client } = await connect(t.url, token, URL_ONLY);
    try {
      const first = await urlElicitationOf(client.callTool({ name: 'remove_member', arguments: { member: bob.email } }));
      await decideInBrowser(t, access.sessionToken, first.url!, 'reject');
      const declined = await callTool(client, 'remove_member', { member: bob.email });
      assert.equal(toolError(declined.result).code, 'confirmation_declined');
      const anew = await urlElicitationOf(client.callTool({ name: 'remove_member', arguments: { member: bob.email } }));
      assert.notEqual(anew.elicitationId, first.elicitationId);
      // Another member is another call: its own approval.
      const carol = await createUser(t, { name: 'Carol Member' });
      await addMember(t, org.slug, carol);
      const other = await urlElicitationOf(client.callTool({ name: 'remove_member', arguments: { member: carol.email } }));
      assert.notEqual(other.elicitationId, anew.elicitationId);
    } finally {
      await client.close();
    }
    assert.ok(await isMember(t, org.id, bob));
    assert.deepEqual((await auditEvents(t, org.id)).map((e) => [e.action, e.approval]), [['confirmation.declined', 'declined']]);
  });

  it('a client declaring form and URL is asked on the stream, except for what only the browser may confirm (-32042)', async () => {
    const { org, bob, token } = await orgWithMember(t);
    const { client, asked } = await connect(t.url, token, { elicitation: { form: {}, url: {} } }, () => ({ action: 'accept', content: { confirm: true } }));
    try {
      const lowering = await urlElicitationOf(client.callTool({ name: 'update_organization', arguments: { confirmRiskyChanges: 'never' } }));
      assert.match(lowering.message!, /Stop asking for confirmation/);
      assert.equal(asked.length, 0);
      const removed = await callTool(client, 'remove_member', { member: bob.email });
      assert.equal(removed.isError, false, JSON.stringify(removed.result));
      assert.equal(asked.length, 1);
    } finally {
      await client.close();
    }
    assert.equal(await isMember(t, org.id, bob), false);
  });
});

/** A reverse proxy that sends each POST to the next upstream in turn (other methods to the first) and logs where each went. */
class RoundRobinProxy {
  readonly log: Array<{ kind: string; upstream: number }> = [];
  upstreams: string[] = [];
  private server?: Server;
  private posts = 0;

  constructor(readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const index = req.method === 'POST' ? this.posts++ % this.upstreams.length : 0;
      const message = body.length ? (JSON.parse(body.toString()) as { method?: string }) : undefined;
      this.log.push({ kind: req.method === 'POST' ? (message?.method ?? 'response') : req.method!, upstream: index });
      const target = new URL(this.upstreams[index]!);
      const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.headersSent || res.writeHead(502).end());
      res.on('close', () => upstream.destroy());
      upstream.end(body);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', () => resolve()));
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe('two instances behind a round-robin proxy: the answer reaches the instance that asked', () => {
  let proxy: RoundRobinProxy;
  let a: TestApp;
  let b: TestApp;
  before(async () => {
    proxy = new RoundRobinProxy(await freePort());
    await proxy.listen();
    // Both answer at the proxy's address (issuer, audience, approval links). On PostgreSQL the second is a
    // separate instance on the same database, with its own connections; the embedded database serves one
    // process, so there the two share it.
    a = await startTestApp({ env: { PUBLIC_URL: proxy.url } });
    b = onPostgres ? await startTestApp({ env: { PUBLIC_URL: proxy.url } }) : await startTestApp({ sharing: a });
    proxy.upstreams = [a.url, b.url];
  });
  after(async () => {
    await proxy.close();
    await b.close();
    await a.close();
  });

  for (const [label, answer, removed] of [
    ['accept', { action: 'accept', content: { confirm: true } }, true],
    ['decline', { action: 'decline' }, false],
  ] as const) {
    it(`${label} posted to the other instance settles the waiting call`, async () => {
      const { org, bob, token } = await orgWithMember(a);
      const { client } = await connect(proxy.url, token, FORM, () => answer);
      const from = proxy.log.length;
      try {
        const result = await callTool(client, 'remove_member', { member: bob.email });
        if (removed) assert.equal(result.isError, false, JSON.stringify(result.result));
        else assert.equal(toolError(result.result).code, 'confirmation_declined');
      } finally {
        await client.close();
      }
      const log = proxy.log.slice(from);
      const call = log.find((entry) => entry.kind === 'tools/call');
      const response = log.find((entry) => entry.kind === 'response');
      assert.ok(call && response, JSON.stringify(log));
      assert.notEqual(response.upstream, call.upstream, `the answer went to the other instance: ${JSON.stringify(log)}`);
      assert.equal(await isMember(a, org.id, bob), !removed);
      const events = await auditEvents(b, org.id);
      assert.deepEqual(events.map((e) => e.approval), [removed ? 'form' : 'declined']);
    });
  }
});
