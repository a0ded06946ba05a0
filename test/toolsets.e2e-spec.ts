import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { decodeJwt } from 'jose';
import { createOrg, createUser } from './support/fixtures.js';
import { callTool, connectWithToken, rawMcp } from './support/mcp.js';
import { authorizeUrl, Browser, FormDrivingOAuthProvider, pkce, refresh, registerClient } from './support/oauth-flow.js';
import { startTestApp, unique, type TestApp } from './support/test-app.js';
import { mintAccess } from './support/tokens.js';

const PEOPLE_TOOLS = [
  'get_current_identity',
  'get_organization', 'update_organization', 'update_allowed_email_domains',
  'list_members', 'get_member', 'find_people', 'update_member_role', 'remove_member',
  'invite_member', 'update_invitation', 'list_invitations', 'resend_invitation', 'revoke_invitation',
  'list_roles', 'create_role', 'update_role', 'delete_role',
  'list_teams', 'create_team', 'update_team', 'delete_team', 'add_team_member', 'remove_team_member',
];

function toolResultError(value: unknown) {
  const result = value as { content?: unknown; structuredContent?: unknown };
  const structured = (result.structuredContent as { error?: Record<string, unknown> } | undefined)?.error;
  if (structured) return structured as { code: string; details: Record<string, unknown>; hint: string };
  const text = (result.content as { type: string; text: string }[])[0]!.text;
  return (JSON.parse(text) as { error: { code: string; details: Record<string, unknown>; hint: string } }).error;
}

async function listNames(t: TestApp, token: string, path: string): Promise<string[]> {
  const res = await rawMcp(t.url, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { authorization: `Bearer ${token}` }, path);
  assert.equal(res.status, 200, path);
  return ((await res.json()) as { result: { tools: { name: string }[] } }).result.tools.map((tool) => tool.name);
}

describe('Toolset and read-only endpoints (SDK client)', () => {
  let t: TestApp;
  let owner: Awaited<ReturnType<typeof createUser>>;
  let org: Awaited<ReturnType<typeof createOrg>>;
  before(async () => {
    t = await startTestApp();
    owner = await createUser(t);
    org = await createOrg(t, owner, { name: unique('Toolset Org ') });
  });
  after(() => t.close());

  it('runs the whole OAuth dance at /mcp/x/people: metadata, resource, audience-bound token, only people tools', async () => {
    const provider = new FormDrivingOAuthProvider(t, { email: owner.email, orgName: org.name });
    const url = new URL(`${t.url}/mcp/x/people`);
    await assert.rejects(new Client({ name: 'agent', version: '1.0.0' }).connect(new StreamableHTTPClientTransport(url, { authProvider: provider })), UnauthorizedError);
    await new StreamableHTTPClientTransport(url, { authProvider: provider }).finishAuth(provider.takeCode());
    const token = provider.tokens()!.access_token;
    assert.equal(decodeJwt(token).aud, `${t.url}/mcp/x/people`);

    const client = new Client({ name: 'agent', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    assert.deepEqual([...names].sort(), [...PEOPLE_TOOLS].sort());

    const outside = await client.callTool({ name: 'list_skills', arguments: {} });
    assert.equal(outside.isError, true);
    const error = toolResultError(outside);
    assert.equal(error.code, 'tool_not_in_toolset');
    assert.equal(error.details.servedAt, `${t.url}/mcp/x/catalog`);
    assert.equal(error.details.toolset, 'catalog');
    assert.match(error.hint, /\/mcp\/x\/catalog/);
    assert.equal((await callTool(client, 'list_teams')).isError, false);

    // The refreshed token stays bound to the toolset endpoint.
    const refreshed = await refresh(t, provider.clientInformation()!.client_id, provider.tokens()!.refresh_token!);
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.equal(decodeJwt(refreshed.body.access_token as string).aud, `${t.url}/mcp/x/people`);
    const switched = await refresh(t, provider.clientInformation()!.client_id, refreshed.body.refresh_token as string, { resource: `${t.url}/mcp` });
    assert.equal(switched.status, 400);
    assert.equal(switched.body.error, 'invalid_target');
    await client.close();
  });

  it('binds audiences exactly: tokens for one endpoint are refused at every other, both ways', async () => {
    const endpoints = ['/mcp', '/mcp/x/people', '/mcp/x/catalog,people', '/mcp/readonly'];
    const tokens = new Map<string, string>();
    for (const path of endpoints) tokens.set(path, (await mintAccess(t, owner, org.id, 'mcp:read mcp:write', `${t.url}${path}`)).token);
    const identity = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_current_identity', arguments: {} } };
    for (const issuedFor of endpoints) {
      for (const usedAt of endpoints) {
        const res = await rawMcp(t.url, identity, { authorization: `Bearer ${tokens.get(issuedFor)}` }, usedAt);
        if (issuedFor === usedAt) {
          assert.equal(res.status, 200, `${issuedFor} at ${usedAt}`);
        } else {
          assert.equal(res.status, 401, `${issuedFor} at ${usedAt}`);
          assert.match(res.headers.get('www-authenticate')!, /error="invalid_token"/);
          assert.match(res.headers.get('www-authenticate')!, new RegExp(`resource_metadata="${t.url}/\\.well-known/oauth-protected-resource${usedAt.replace(/[.,]/g, '\\$&')}"`));
        }
      }
    }
  });

  it('serves only the canonical spelling: every other one is a 404 naming the valid form, signed in or not', async () => {
    const { token } = await mintAccess(t, owner, org.id, 'mcp:read mcp:write', `${t.url}/mcp/x/catalog,people`);
    const cases: [string, string | undefined][] = [
      ['/mcp/x/people,catalog', '/mcp/x/catalog,people'],
      ['/mcp/x/catalog,catalog,people', '/mcp/x/catalog,people'],
      ['/mcp/x/Catalog,People', '/mcp/x/catalog,people'],
      ['/mcp/x/catalog%2Cpeople', '/mcp/x/catalog,people'],
      ['/mcp/x/catalog,people/', '/mcp/x/catalog,people'],
      ['/mcp/x/catalog,%20people', '/mcp/x/catalog,people'],
      ['/MCP/x/catalog,people', '/mcp/x/catalog,people'],
      ['/mcp/READONLY', '/mcp/readonly'],
      ['/mcp/readonly/', '/mcp/readonly'],
      ['/mcp/', '/mcp'],
      ['/MCP', '/mcp'],
      ['/mcp/x/', undefined],
      ['/mcp/x', undefined],
      ['/mcp/x/catalog,', undefined],
      ['/mcp/x/,catalog', undefined],
      ['/mcp/x/billing', undefined],
      ['/mcp/x/catalog,people/extra', undefined],
      ['/mcp/x/catalog;people', undefined],
      ['/mcp/people', undefined],
      ['/mcp/x/readonly', undefined],
    ];
    for (const [path, canonical] of cases) {
      for (const headers of [{}, { authorization: `Bearer ${token}` }] as Record<string, string>[]) {
        const res = await rawMcp(t.url, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, headers, path);
        assert.equal(res.status, 404, path);
        const body = (await res.json()) as { error: string; valid_form: string; canonical_path?: string };
        assert.equal(body.error, 'not_found', path);
        assert.match(body.valid_form, /\/mcp\/x\/<toolsets>/);
        assert.match(body.valid_form, /audit, catalog, people, runtime/);
        assert.equal(body.canonical_path, canonical, path);
      }
      const get = await fetch(`${t.url}${path}`);
      assert.equal(get.status, 404, `GET ${path}`);
      const metadata = await fetch(`${t.url}/.well-known/oauth-protected-resource${path}`);
      assert.equal(metadata.status, 404, `metadata for ${path}`);
    }
  });

  it('publishes RFC 9728 metadata per endpoint and challenges with its own metadata and scopes', async () => {
    for (const [path, scopes] of [['/mcp', 'mcp:read mcp:write'], ['/mcp/readonly', 'mcp:read'], ['/mcp/x/audit,runtime', 'mcp:read mcp:write']] as const) {
      const metadata = (await (await fetch(`${t.url}/.well-known/oauth-protected-resource${path}`)).json()) as Record<string, unknown>;
      assert.equal(metadata.resource, `${t.url}${path}`);
      assert.deepEqual(metadata.authorization_servers, [t.url]);
      assert.deepEqual(metadata.scopes_supported, scopes.split(' '));
      const res = await rawMcp(t.url, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, {}, path);
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), `Bearer resource_metadata="${t.url}/.well-known/oauth-protected-resource${path}", scope="${scopes}"`);
    }
  });

  it('accepts RFC 8707 resource at authorize only for the canonical endpoint URLs', async () => {
    const client = await registerClient(t);
    const browser = new Browser(t.url);
    const { challenge } = pkce();
    const base = { response_type: 'code', client_id: client.clientId, redirect_uri: client.redirectUri, code_challenge: challenge, code_challenge_method: 'S256', state: 's', scope: 'mcp:read' };
    for (const good of ['/mcp/readonly', '/mcp/x/audit', '/mcp/x/audit,catalog,people,runtime']) {
      const res = await browser.get(authorizeUrl(t, { ...base, resource: `${t.url}${good}` }));
      assert.equal(res.status, 303, good);
      assert.doesNotMatch(res.headers.get('location')!, /error=/, good);
    }
    for (const bad of ['/mcp/x/people,catalog', '/mcp/x/People', '/mcp/', '/mcp/x/unknown', '/mcp/readonly/', '/mcp/x/catalog%2Cpeople', '/other']) {
      const res = await browser.get(authorizeUrl(t, { ...base, resource: `${t.url}${bad}` }));
      assert.equal(res.status, 303, bad);
      const location = new URL(res.headers.get('location')!);
      assert.equal(location.searchParams.get('error'), 'invalid_target', bad);
    }
  });

  it('/mcp/readonly lists only read tools and answers a write tool with tool_not_in_toolset, not a step-up', async () => {
    const full = (await mintAccess(t, owner, org.id)).token;
    const readonly = (await mintAccess(t, owner, org.id, 'mcp:read', `${t.url}/mcp/readonly`)).token;
    const all = await listNames(t, full, '/mcp');
    const client = await connectWithToken(t.url, readonly, '/mcp/readonly');
    const listed = (await client.listTools()).tools;
    assert.ok(listed.length > 10);
    assert.ok(listed.every((tool) => tool.annotations?.readOnlyHint === true));
    assert.ok(listed.length < all.length);
    const result = await client.callTool({ name: 'invite_member', arguments: { email: 'someone@example.com', role: 'member' } });
    assert.equal(result.isError, true);
    const error = toolResultError(result);
    assert.equal(error.code, 'tool_not_in_toolset');
    assert.equal(error.details.servedAt, `${t.url}/mcp/x/people`);
    assert.equal((await callTool(client, 'list_members')).isError, false);
    await client.close();
  });

  it('toolset endpoints combine, always include get_current_identity, and still step up a missing scope', async () => {
    const path = '/mcp/x/audit,runtime';
    const { token } = await mintAccess(t, owner, org.id, 'mcp:read mcp:write', `${t.url}${path}`);
    const names = await listNames(t, token, path);
    assert.ok(names.includes('get_current_identity'));
    assert.ok(names.includes('list_audit_events') && names.includes('create_worker') && names.includes('list_llm_providers') && names.includes('delete_connector'));
    assert.ok(!names.some((name) => ['list_members', 'list_skills', 'create_team', 'share_skill', 'grant_access'].includes(name)));
    // The same process serves /mcp and a toolset: one endpoint's list never leaks into another's.
    assert.ok((await listNames(t, (await mintAccess(t, owner, org.id)).token, '/mcp')).includes('list_skills'));

    const readOnly = (await mintAccess(t, owner, org.id, 'mcp:read', `${t.url}${path}`)).token;
    const res = await rawMcp(t.url, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'create_worker', arguments: { name: 'w' } } }, { authorization: `Bearer ${readOnly}` }, path);
    assert.equal(res.status, 403);
    assert.match(res.headers.get('www-authenticate')!, /error="insufficient_scope"/);
    assert.match(res.headers.get('www-authenticate')!, new RegExp(`resource_metadata="${t.url}/\\.well-known/oauth-protected-resource/mcp/x/audit,runtime"`));
    // A tool of another toolset is answered as such even when the scope is also missing.
    const other = await rawMcp(t.url, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'create_team', arguments: { name: 'x' } } }, { authorization: `Bearer ${readOnly}` }, path);
    assert.equal(other.status, 200);
    const body = (await other.json()) as { result: { isError: boolean; content: unknown; structuredContent?: unknown } };
    assert.equal(toolResultError(body.result).code, 'tool_not_in_toolset');
  });

  it('narrows the 2026-07-28 era the same way: lists, calls outside the toolset, prompts', async () => {
    const path = '/mcp/x/people';
    const { token } = await mintAccess(t, owner, org.id, 'mcp:read mcp:write', `${t.url}${path}`);
    const meta = {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientCapabilities': {},
      'io.modelcontextprotocol/clientInfo': { name: 'modern', version: '1.0.0' },
    };
    const modern = async (id: number, method: string, params: Record<string, unknown>, name?: string) => {
      const res = await rawMcp(
        t.url,
        { jsonrpc: '2.0', id, method, params: { ...params, _meta: meta } },
        { authorization: `Bearer ${token}`, 'mcp-protocol-version': '2026-07-28', 'mcp-method': method, ...(name && { 'mcp-name': name }) },
        path,
      );
      assert.equal(res.status, 200, method);
      return (await res.json()) as { result: Record<string, unknown> };
    };
    const tools = ((await modern(1, 'tools/list', {})).result.tools as { name: string }[]).map((tool) => tool.name);
    assert.deepEqual([...tools].sort(), [...PEOPLE_TOOLS].sort());
    const call = (await modern(2, 'tools/call', { name: 'list_workers', arguments: {} }, 'list_workers')).result;
    assert.equal(toolResultError(call).code, 'tool_not_in_toolset');
    const prompts = ((await modern(3, 'prompts/list', {})).result.prompts as { name: string }[]).map((p) => p.name);
    assert.deepEqual(prompts, ['check-identity', 'invite-teammate', 'assign-to-team']);
  });
});
