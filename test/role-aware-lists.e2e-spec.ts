import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { BUILT_IN_ROLES, toolDefinition, toolDefinitions } from '@app/access';
import type { Account } from '@app/identity';
import { addMember, createOrg, createUser } from './support/fixtures.js';
import { callTool, connectWithToken, rawMcp, toolError } from './support/mcp.js';
import { startTestApp, unique, type TestApp } from './support/test-app.js';
import { mintAccess } from './support/tokens.js';

/** What a role with these permissions and a token with these scopes can use, from the tools' own declarations. */
function usable(permissions: readonly string[], scopes: readonly string[]): string[] {
  return toolDefinitions().filter((d) => permissions.includes(d.permission) && scopes.includes(d.scope)).map((d) => d.name).sort();
}

describe('tools/list shows only what the caller\'s role and token can use', () => {
  let t: TestApp;
  let org: { id: string; slug: string };
  let owner: Account;
  let ownerClient: Client;
  const clients: Client[] = [];

  async function connect(user: Account, scope = 'mcp:read mcp:write'): Promise<Client> {
    const client = await connectWithToken(t.url, (await mintAccess(t, user, org.id, scope)).token);
    clients.push(client);
    return client;
  }
  const names = async (client: Client) => (await client.listTools()).tools.map((tool) => tool.name);

  before(async () => {
    t = await startTestApp();
    owner = await createUser(t);
    org = await createOrg(t, owner, { seats: 20 });
    ownerClient = await connect(owner);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await t.close();
  });

  it('gives each built-in role and scope set exactly the tools it can use, in name order', async () => {
    assert.ok(toolDefinitions().length >= 60);
    const rw = ['mcp:read', 'mcp:write'];
    assert.deepEqual(await names(ownerClient), usable(BUILT_IN_ROLES.owner.permissions, rw));
    const cases: Array<[keyof typeof BUILT_IN_ROLES, string]> = [['admin', 'mcp:read mcp:write'], ['member', 'mcp:read mcp:write'], ['member', 'mcp:read'], ['admin', 'mcp:read']];
    for (const [role, scope] of cases) {
      const user = await createUser(t);
      await addMember(t, org.slug, user, role);
      const listed = await names(await connect(user, scope));
      assert.deepEqual(listed, usable(BUILT_IN_ROLES[role].permissions, scope.split(' ')), `${role} with ${scope}`);
      assert.deepEqual(listed, [...listed].sort(), `${role} with ${scope}: name order`);
    }
    const member = await connect(await memberOf('member'));
    const memberTools = await names(member);
    assert.ok(memberTools.length < (await names(ownerClient)).length - 20, 'a member sees far fewer tools than an owner');
    assert.deepEqual(await names(member), memberTools, 'the same list on every request');
  });

  async function memberOf(role: string): Promise<Account> {
    const user = await createUser(t);
    await addMember(t, org.slug, user, role);
    return user;
  }

  it('follows a custom role\'s permissions, and a role change on the next request', async () => {
    const role = (await callTool<{ key: string }>(ownerClient, 'create_role', { name: unique('Auditor '), permissions: ['org:read', 'audit:read'] })).data;
    const auditor = await memberOf(role.key);
    const client = await connect(auditor);
    assert.deepEqual(await names(client), usable(['org:read', 'audit:read'], ['mcp:read', 'mcp:write']));
    assert.ok((await names(client)).includes('list_audit_events'));
    const promoted = await callTool(ownerClient, 'update_member_role', { member: auditor.email, role: 'admin' });
    assert.equal(promoted.isError, false, JSON.stringify(promoted.result.content));
    assert.deepEqual(await names(client), usable(BUILT_IN_ROLES.admin.permissions, ['mcp:read', 'mcp:write']));
  });

  it('answers a tool hidden for the role with permission_denied and one hidden for the scope with a step-up 403, never "unknown tool"', async () => {
    const memberUser = await memberOf('member');
    const member = await connect(memberUser);
    const hiddenByRole = (await names(ownerClient)).filter((name) => !BUILT_IN_ROLES.member.permissions.includes(toolDefinition(name)!.permission as never));
    assert.ok(hiddenByRole.length >= 20, `${hiddenByRole.length} tools hidden from a member`);
    const listed = new Set(await names(member));
    for (const name of hiddenByRole) {
      assert.ok(!listed.has(name), name);
      const call = await callTool(member, name, {});
      assert.equal(call.isError, true, name);
      const error = toolError(call.result);
      assert.equal(error.code, 'permission_denied', `${name}: ${error.message}`);
      assert.equal(error.details.requiredPermission, toolDefinition(name)!.permission, name);
    }
    const readToken = (await mintAccess(t, memberUser, org.id, 'mcp:read')).token;
    for (const name of ['create_skill', 'create_team', 'remove_member']) {
      const res = await rawMcp(t.url, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: {} } }, { authorization: `Bearer ${readToken}` });
      assert.equal(res.status, 403, name);
      assert.match(res.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/, name);
      assert.doesNotMatch(await res.text(), /unknown tool/i, name);
    }
  });
});
