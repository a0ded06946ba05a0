import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { addMember, createOrg, createUser } from './support/fixtures.js';
import { callTool, connectWithToken, rawMcp } from './support/mcp.js';
import { startTestApp, unique, type TestApp } from './support/test-app.js';
import { mintAccess } from './support/tokens.js';

const skillMd = (name: string, body = `Instructions for ${name}.`) => `---\nname: ${name}\ndescription: Does ${name} things\n---\n\n# ${name}\n\n${body}\n`;

async function rpcCode(promise: Promise<unknown>): Promise<{ code: number; data?: { error?: { code: string } } }> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof McpError, String(error));
    return { code: error.code, data: error.data as { error?: { code: string } } };
  }
  assert.fail('expected a JSON-RPC error');
}

async function initializeCapabilities(t: TestApp, token: string, path: string): Promise<Record<string, unknown>> {
  const res = await rawMcp(
    t.url,
    { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } },
    { authorization: `Bearer ${token}` },
    path,
  );
  assert.equal(res.status, 200);
  return ((await res.json()) as { result: { capabilities: Record<string, unknown> } }).result.capabilities;
}

describe('Prompts, completion and skills as resources (SDK client)', () => {
  let t: TestApp;
  let owner: Awaited<ReturnType<typeof createUser>>;
  let org: Awaited<ReturnType<typeof createOrg>>;
  let ownerClient: Client;
  let other: Awaited<ReturnType<typeof createOrg>>;
  let otherClient: Client;
  const prefix = `s${Date.now().toString(36)}`;

  before(async () => {
    t = await startTestApp();
    owner = await createUser(t, { name: 'Olivia Owner' });
    org = await createOrg(t, owner, { name: unique('Prompt Org ') });
    ownerClient = await connectWithToken(t.url, (await mintAccess(t, owner, org.id)).token);
    const otherOwner = await createUser(t, { name: 'Priya Elsewhere' });
    other = await createOrg(t, otherOwner, { name: unique('Other Org ') });
    otherClient = await connectWithToken(t.url, (await mintAccess(t, otherOwner, other.id)).token);
  });
  after(async () => {
    await ownerClient.close();
    await otherClient.close();
    await t.close();
  });

  it('lists every readable skill as skill://<name>, paginated, and reads its SKILL.md as text/markdown', async () => {
    const names = Array.from({ length: 55 }, (_, i) => `${prefix}-skill-${String(i).padStart(2, '0')}`);
    for (const name of names) assert.equal((await callTool(ownerClient, 'create_skill', { content: skillMd(name) })).isError, false);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await ownerClient.listResources(cursor ? { cursor } : {});
      for (const resource of page.resources) {
        assert.equal(resource.mimeType, 'text/markdown');
        assert.equal(resource.uri, `skill://${resource.name}`);
      }
      seen.push(...page.resources.map((r) => r.name));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    assert.ok(pages >= 2, 'more skills than one page holds come in several pages');
    assert.deepEqual(seen.filter((n) => n.startsWith(prefix)).sort(), names);

    const read = await ownerClient.readResource({ uri: `skill://${names[3]}` });
    assert.deepEqual(read.contents, [{ uri: `skill://${names[3]}`, mimeType: 'text/markdown', text: skillMd(names[3]!) }]);

    const templates = await ownerClient.listResourceTemplates();
    assert.deepEqual(templates.resourceTemplates.map((r) => [r.uriTemplate, r.mimeType]), [['skill://{name}', 'text/markdown']]);
    const completion = await ownerClient.complete({ ref: { type: 'ref/resource', uri: 'skill://{name}' }, argument: { name: 'name', value: `${prefix}-skill-5` } });
    assert.deepEqual(completion.completion.values, [`${prefix}-skill-50`, `${prefix}-skill-51`, `${prefix}-skill-52`, `${prefix}-skill-53`, `${prefix}-skill-54`]);
  });

  it('keeps skills of another organization out of reach: not listed, not readable, not completed, even with the same name', async () => {
    const secret = `${prefix}-secret`;
    const shared = `${prefix}-same-name`;
    await callTool(otherClient, 'create_skill', { content: skillMd(secret, 'Other org only.') });
    await callTool(otherClient, 'create_skill', { content: skillMd(shared, 'The other organization\'s version.') });
    await callTool(ownerClient, 'create_skill', { content: skillMd(shared, 'Our version.') });

    const listed: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await ownerClient.listResources(cursor ? { cursor } : {});
      listed.push(...page.resources.map((r) => r.uri));
      cursor = page.nextCursor;
    } while (cursor);
    assert.ok(!listed.includes(`skill://${secret}`));
    assert.ok((await otherClient.listResources()).resources.some((r) => r.uri === `skill://${secret}`));

    const refused = await rpcCode(ownerClient.readResource({ uri: `skill://${secret}` }));
    assert.equal(refused.code, -32602);
    assert.equal(refused.data?.error?.code, 'not_found');
    const ours = await ownerClient.readResource({ uri: `skill://${shared}` });
    assert.match((ours.contents[0] as { text: string }).text, /Our version/);
    const theirs = await otherClient.readResource({ uri: `skill://${shared}` });
    assert.match((theirs.contents[0] as { text: string }).text, /other organization's version/);

    const completion = await ownerClient.complete({ ref: { type: 'ref/prompt', name: 'share-skill' }, argument: { name: 'skill', value: `${prefix}-se` } });
    assert.deepEqual(completion.completion.values, []);
    for (const uri of ['skill://', 'skill://UPPER', 'skill://a/b', 'file:///etc/passwd', `skill://${prefix}-missing`]) {
      assert.equal((await rpcCode(ownerClient.readResource({ uri }))).code, -32602, uri);
    }
  });

  it('checks the catalog:read permission and the mcp:read scope like get_skill does', async () => {
    const role = (await callTool<{ key: string }>(ownerClient, 'create_role', { name: 'No Catalog', permissions: ['org:read'] })).data;
    const user = await createUser(t);
    await addMember(t, org.slug, user, role.key);
    const client = await connectWithToken(t.url, (await mintAccess(t, user, org.id)).token);
    const listed = await rpcCode(client.listResources());
    assert.equal(listed.data?.error?.code, 'permission_denied');
    const read = await rpcCode(client.readResource({ uri: `skill://${prefix}-skill-00` }));
    assert.equal(read.data?.error?.code, 'permission_denied');
    const completion = await client.complete({ ref: { type: 'ref/prompt', name: 'share-skill' }, argument: { name: 'skill', value: prefix } });
    assert.deepEqual(completion.completion.values, []);
    await client.close();

    const writeOnly = await connectWithToken(t.url, (await mintAccess(t, owner, org.id, 'mcp:write')).token);
    assert.equal((await rpcCode(writeOnly.readResource({ uri: `skill://${prefix}-skill-00` }))).code, -32600);
    await writeOnly.close();
  });

  it('offers the four flows as prompts, each only where the tools it uses are served', async () => {
    const expected: Record<string, string[]> = {
      '/mcp': ['check-identity', 'invite-teammate', 'assign-to-team', 'share-skill'],
      '/mcp/x/people': ['check-identity', 'invite-teammate', 'assign-to-team'],
      '/mcp/x/catalog': ['check-identity', 'share-skill'],
      '/mcp/x/audit,runtime': ['check-identity'],
      '/mcp/readonly': ['check-identity'],
    };
    for (const [path, prompts] of Object.entries(expected)) {
      const client = await connectWithToken(t.url, (await mintAccess(t, owner, org.id, 'mcp:read mcp:write', `${t.url}${path}`)).token, path);
      const listed = (await client.listPrompts()).prompts;
      assert.deepEqual(listed.map((p) => p.name), prompts, path);
      for (const name of ['check-identity', 'invite-teammate', 'assign-to-team', 'share-skill'].filter((n) => !prompts.includes(n))) {
        assert.equal((await rpcCode(client.getPrompt({ name, arguments: { email: 'a@example.com', person: 'a', team: 'b', skill: 'c' } }))).code, -32602, `${name} at ${path}`);
      }
      const capabilities = client.getServerCapabilities()!;
      assert.ok(capabilities.prompts && capabilities.completions, path);
      assert.equal(Boolean(capabilities.resources), path === '/mcp' || path === '/mcp/x/catalog' || path === '/mcp/readonly', path);
      if (!capabilities.resources) assert.equal((await rpcCode(client.listResources())).code, -32601, path);
      await client.close();
    }
    const listed = (await ownerClient.listPrompts()).prompts;
    assert.deepEqual(listed.find((p) => p.name === 'invite-teammate')!.arguments, [
      { name: 'email', description: 'Email address of the person to invite', required: true },
      { name: 'role', description: 'Role to give them (owner, admin, member or a custom role); member when left out', required: false },
    ]);
    assert.deepEqual(listed.find((p) => p.name === 'check-identity')!.arguments, []);
  });

  it('renders prompts with their arguments and refuses missing or malformed ones', async () => {
    const invite = await ownerClient.getPrompt({ name: 'invite-teammate', arguments: { email: 'priya@example.com', role: 'admin' } });
    const text = (invite.messages[0]!.content as { text: string }).text;
    assert.equal(invite.messages[0]!.role, 'user');
    assert.match(text, /priya@example\.com/);
    assert.match(text, /role admin/);
    assert.match(text, /invite_member/);
    const identity = await ownerClient.getPrompt({ name: 'check-identity' });
    assert.match((identity.messages[0]!.content as { text: string }).text, /get_current_identity/);
    const assign = await ownerClient.getPrompt({ name: 'assign-to-team', arguments: { person: 'Priya', team: 'Sales' } });
    assert.match((assign.messages[0]!.content as { text: string }).text, /Add Priya to the team Sales using add_team_member/);
    for (const [name, args] of [
      ['invite-teammate', {}],
      ['invite-teammate', { email: '' }],
      ['invite-teammate', { email: 'x'.repeat(300) }],
      ['assign-to-team', { person: 'Priya' }],
      ['share-skill', {}],
      ['no-such-prompt', {}],
    ] as const) {
      assert.equal((await rpcCode(ownerClient.getPrompt({ name, arguments: args as Record<string, string> }))).code, -32602, `${name} ${JSON.stringify(args)}`);
    }
  });

  it('completes prompt arguments from the caller\'s organization and permissions only', async () => {
    const priya = await createUser(t, { name: 'Priya Patel', email: `priya.${prefix}@example.com` });
    await addMember(t, org.slug, priya, 'member');
    // Someone with the same first name in another organization is never suggested.
    await addMember(t, other.slug, await createUser(t, { name: 'Priya Stranger', email: `priya.stranger.${prefix}@example.com` }), 'member');
    await callTool(ownerClient, 'create_team', { name: 'Sales' });
    await callTool(ownerClient, 'create_team', { name: 'Sales Ops' });
    await callTool(otherClient, 'create_team', { name: 'Salsa' });
    await callTool(ownerClient, 'invite_member', { email: `pending.${prefix}@example.com`, role: 'member' });

    const complete = async (client: Client, prompt: string, argument: string, value: string) =>
      (await client.complete({ ref: { type: 'ref/prompt', name: prompt }, argument: { name: argument, value } })).completion.values;

    assert.deepEqual(await complete(ownerClient, 'assign-to-team', 'person', 'priya'), ['Priya Patel', `priya.${prefix}@example.com`]);
    assert.deepEqual(await complete(ownerClient, 'assign-to-team', 'team', 'sa'), ['Sales', 'Sales Ops']);
    assert.deepEqual(await complete(otherClient, 'assign-to-team', 'team', 'sa'), ['Salsa']);
    assert.deepEqual(await complete(ownerClient, 'invite-teammate', 'role', 'ad'), ['admin']);
    assert.deepEqual(await complete(ownerClient, 'invite-teammate', 'email', 'pending'), [`pending.${prefix}@example.com`]);
    assert.deepEqual(await complete(ownerClient, 'share-skill', 'skill', `${prefix}-skill-0`), Array.from({ length: 10 }, (_, i) => `${prefix}-skill-0${i}`));
    assert.deepEqual(await complete(ownerClient, 'check-identity', 'anything', ''), []);

    // A role without members:read or teams:read gets no names it could not list itself.
    const role = (await callTool<{ key: string }>(ownerClient, 'create_role', { name: 'Narrow', permissions: ['org:read'] })).data;
    const narrow = await createUser(t);
    await addMember(t, org.slug, narrow, role.key);
    const narrowClient = await connectWithToken(t.url, (await mintAccess(t, narrow, org.id)).token);
    assert.deepEqual(await complete(narrowClient, 'assign-to-team', 'person', 'priya'), []);
    assert.deepEqual(await complete(narrowClient, 'assign-to-team', 'team', 'sa'), []);
    await narrowClient.close();

    // Completion follows the endpoint: share-skill is not offered at /mcp/x/people.
    const peopleClient = await connectWithToken(t.url, (await mintAccess(t, owner, org.id, 'mcp:read mcp:write', `${t.url}/mcp/x/people`)).token, '/mcp/x/people');
    assert.equal((await rpcCode(peopleClient.complete({ ref: { type: 'ref/prompt', name: 'share-skill' }, argument: { name: 'skill', value: '' } }))).code, -32602);
    assert.equal((await rpcCode(peopleClient.complete({ ref: { type: 'ref/resource', uri: 'skill://{name}' }, argument: { name: 'name', value: '' } }))).code, -32602);
    await peopleClient.close();
  });

  it('advertises resources only where skills are served, in initialize answers built per request', async () => {
    for (const [path, resources] of [['/mcp/x/people', false], ['/mcp/x/catalog,people', true], ['/mcp', true]] as const) {
      const capabilities = await initializeCapabilities(t, (await mintAccess(t, owner, org.id, 'mcp:read mcp:write', `${t.url}${path}`)).token, path);
      assert.equal('resources' in capabilities, resources, path);
      assert.ok('prompts' in capabilities && 'completions' in capabilities, path);
    }
  });
});
