import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { PrismaService } from '@app/shared';
import { addMember, createOrg, createUser } from './support/fixtures.js';
import { callTool, rawMcp } from './support/mcp.js';
import { authorizeWithForms, FormDrivingOAuthProvider, parseForms } from './support/oauth-flow.js';
import { onPostgres, ROOT, startTestApp, unique, type TestApp } from './support/test-app.js';

const run = promisify(execFile);
const identityCall = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_current_identity', arguments: {} } };

/** Connects the SDK client the way an MCP host does: 401 → discovery → registration → PKCE → consent → token. */
async function connectThroughOAuth(t: TestApp, user: { email: string; orgName: string }) {
  const provider = new FormDrivingOAuthProvider(t, user, { clientName: unique('Agent ') });
  const url = new URL(`${t.url}/mcp`);
  await assert.rejects(new Client({ name: 'agent', version: '1.0.0' }).connect(new StreamableHTTPClientTransport(url, { authProvider: provider })), UnauthorizedError);
  await new StreamableHTTPClientTransport(url, { authProvider: provider }).finishAuth(provider.takeCode());
  const client = new Client({ name: 'agent', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
  return { client, provider, accessToken: () => provider.tokens()!.access_token };
}

async function accountForms(provider: FormDrivingOAuthProvider) {
  const page = await (await provider.browser.get('/account')).text();
  return parseForms(page);
}

describe('MCP gateway through a real OAuth sign-in (SDK client)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('discovers, authorizes and lists every tool for a full-scope connection, fewer for a read-only one', async () => {
    const owner = await createUser(t);
    const orgName = unique('Gateway Org ');
    await createOrg(t, owner, { name: orgName });
    const { client } = await connectThroughOAuth(t, { email: owner.email, orgName });
    const all = (await client.listTools()).tools;
    const { data } = await callTool<{ organization: { name: string }; grantedScopes: string[] }>(client, 'get_current_identity');
    assert.equal(data.organization.name, orgName);
    assert.deepEqual(data.grantedScopes, ['mcp:read', 'mcp:write']);
    await client.close();

    const readOnly = await authorizeWithForms(t, { email: owner.email, orgName, scope: 'mcp:read' });
    const res = await rawMcp(t.url, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { authorization: `Bearer ${readOnly.access_token}` });
    const listed = ((await res.json()) as { result: { tools: { name: string }[] } }).result.tools.map((x) => x.name).sort();
    assert.deepEqual(listed, all.filter((x) => x.annotations?.readOnlyHint).map((x) => x.name).sort());
    assert.ok(listed.length < all.length);
  });

  it('cuts the connection at the next request when its client is revoked on the account page', async () => {
    const owner = await createUser(t);
    const orgName = unique('Revoke Org ');
    await createOrg(t, owner, { name: orgName });
    const { client, provider, accessToken } = await connectThroughOAuth(t, { email: owner.email, orgName });
    assert.equal((await callTool(client, 'get_current_identity')).isError, false);

    const form = (await accountForms(provider)).find((f) => f.action.startsWith('/account/clients/'));
    assert.ok(form, 'the connected client is listed with a Revoke button');
    assert.equal((await provider.browser.post(form.action, form.hidden)).status, 303);

    const res = await rawMcp(t.url, identityCall, { authorization: `Bearer ${accessToken()}` });
    assert.equal(res.status, 401);
    await assert.rejects(client.callTool({ name: 'get_current_identity', arguments: {} }));
  });

  it('cuts every connection of a web session revoked on the account page', async () => {
    const owner = await createUser(t);
    const orgName = unique('Session Org ');
    await createOrg(t, owner, { name: orgName });
    const { provider, accessToken } = await connectThroughOAuth(t, { email: owner.email, orgName });
    assert.equal((await rawMcp(t.url, identityCall, { authorization: `Bearer ${accessToken()}` })).status, 200);
    const form = (await accountForms(provider)).find((f) => f.action.startsWith('/account/sessions/'));
    assert.ok(form, 'the session is listed with a Revoke button');
    await provider.browser.post(form.action, form.hidden);
    assert.equal((await rawMcp(t.url, identityCall, { authorization: `Bearer ${accessToken()}` })).status, 401);
  });

  it('cuts a removed member at the next request', async () => {
    const owner = await createUser(t);
    const orgName = unique('Removal Org ');
    const org = await createOrg(t, owner, { name: orgName });
    const member = await createUser(t);
    await addMember(t, org.slug, member, 'member');
    const { accessToken } = await connectThroughOAuth(t, { email: member.email, orgName });
    assert.equal((await rawMcp(t.url, identityCall, { authorization: `Bearer ${accessToken()}` })).status, 200);
    await t.get(PrismaService).membership.delete({ where: { orgId_userId: { orgId: org.id, userId: member.id } } });
    assert.equal((await rawMcp(t.url, identityCall, { authorization: `Bearer ${accessToken()}` })).status, 401);
  });

  it('cuts access when an operator runs sessions:revoke', { skip: !onPostgres && 'the embedded database is held by the running server' }, async () => {
    const owner = await createUser(t);
    const orgName = unique('Cli Org ');
    await createOrg(t, owner, { name: orgName });
    const { accessToken } = await connectThroughOAuth(t, { email: owner.email, orgName });
    assert.equal((await rawMcp(t.url, identityCall, { authorization: `Bearer ${accessToken()}` })).status, 200);
    const { stdout } = await run(join(ROOT, 'node_modules/.bin/node'), ['--import', './scripts/app-paths.mjs', 'dist/apps/api/src/cli/cli.js', 'sessions:revoke', '--email', owner.email], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: t.config.dataDir, SECRETS_KEY: t.config.secretsKey.toString('hex'), LOG_LEVEL: 'error' },
    });
    assert.match(stdout, /Revoked [1-9]\d* session/);
    assert.equal((await rawMcp(t.url, identityCall, { authorization: `Bearer ${accessToken()}` })).status, 401);
  });
});
