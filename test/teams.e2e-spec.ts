import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PrismaService } from '@app/shared';
import { addMember, connectionsTo, createUser, orgAuditActions } from './support/fixtures.js';
import { callTool, rawMcp, toolError } from './support/mcp.js';
import { startTestApp, unique, type TestApp } from './support/test-app.js';
import { mintAccess } from './support/tokens.js';

const TEAM_TOOLS = ['list_teams', 'create_team', 'update_team', 'delete_team', 'add_team_member', 'remove_team_member'];

describe('teams', () => {
  let t: TestApp;
  let prisma: PrismaService;
  const { connect, setup, close } = connectionsTo(() => t);
  const auditActions = (org: { id: string }) => orgAuditActions(t, org.id);

  before(async () => {
    t = await startTestApp();
    prisma = t.get(PrismaService);
  });
  after(async () => {
    await close();
    await t.close();
  });

  it('lists every team tool with an agent description, described inputs, an output schema and complete annotations; hides the mutating ones from a read-only token', async () => {
    const { owner, org, client } = await setup();
    const { tools } = await client.listTools();
    for (const name of TEAM_TOOLS) {
      const tool = tools.find((candidate) => candidate.name === name);
      assert.ok(tool, `${name} is listed`);
      assert.ok((tool.description ?? '').length > 40, `${name} has a description`);
      assert.ok(tool.outputSchema, `${name} has an output schema`);
      for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const) {
        assert.equal(typeof tool.annotations?.[hint], 'boolean', `${name} ${hint}`);
      }
      for (const [field, schema] of Object.entries((tool.inputSchema.properties ?? {}) as Record<string, { description?: string }>)) {
        assert.ok(schema.description, `${name}.${field} is described`);
      }
    }
    const reader = await connect(owner, org.id, 'mcp:read');
    const names = (await reader.listTools()).tools.map((tool) => tool.name);
    assert.ok(names.includes('list_teams'));
    for (const name of TEAM_TOOLS.filter((n) => n !== 'list_teams')) assert.ok(!names.includes(name), `${name} hidden from a read-only token`);
    const { token } = await mintAccess(t, owner, org.id, 'mcp:read');
    for (const [name, args] of [
      ['create_team', { name: 'T' }],
      ['update_team', { team: 'T', name: 'U' }],
      ['delete_team', { team: 'T' }],
      ['add_team_member', { team: 'T', member: owner.email }],
      ['remove_team_member', { team: 'T', member: owner.email }],
    ] as const) {
      const response = await rawMcp(t.url, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } }, { authorization: `Bearer ${token}` });
      assert.equal(response.status, 403, name);
      assert.match(response.headers.get('www-authenticate') ?? '', /insufficient_scope/, name);
    }
    assert.equal(await prisma.team.count({ where: { orgId: org.id } }), 0);
  });

  it('does not let a member manage teams', async () => {
    const { org } = await setup();
    const member = await createUser(t);
    await addMember(t, org.slug, member, 'member');
    const client = await connect(member, org.id);
    const result = await callTool(client, 'create_team', { name: 'X' });
    assert.equal(toolError(result.result).code, 'permission_denied');
    assert.equal(toolError(result.result).details.requiredPermission, 'teams:manage');
    assert.equal((await callTool(client, 'list_teams', {})).isError, false);
    assert.deepEqual(await auditActions(org), []);
  });

  it('"Assign Priya to the Sales team": an active member joins; a pending invitee gets member_pending_invitation; unknown is not found', async () => {
    const { client, org } = await setup();
    const priya = await createUser(t, { name: 'Priya Sharma', email: `${unique('priya')}@example.com` });
    await addMember(t, org.slug, priya);

    const sales = await callTool<{ id: string; name: string; memberCount: number }>(client, 'create_team', { name: 'Sales', description: 'Closers' });
    assert.equal(sales.data.name, 'Sales');
    const duplicate = await callTool(client, 'create_team', { name: 'sales' });
    assert.equal(toolError(duplicate.result).code, 'already_exists');
    assert.equal(toolError(duplicate.result).details.existingId, sales.data.id);

    const found = await callTool<{ items: { id: string }[] }>(client, 'list_members', { query: 'priya' });
    const added = await callTool<{ added: boolean; team: { memberCount: number }; member: { email: string } }>(client, 'add_team_member', { team: 'Sales', member: found.data.items[0]!.id });
    assert.equal(added.isError, false, JSON.stringify(added.result));
    assert.equal(added.data.added, true);
    assert.equal(added.data.team.memberCount, 1);
    const again = await callTool<{ added: boolean }>(client, 'add_team_member', { team: sales.data.id, member: priya.email });
    assert.equal(again.data.added, false);
    const inTeam = await callTool<{ items: { email: string }[] }>(client, 'list_members', { teamId: sales.data.id });
    assert.deepEqual(inTeam.data.items.map((m) => m.email), [priya.email]);
    const priyasTeams = await callTool<{ items: { name: string }[] }>(client, 'list_teams', { member: priya.email });
    assert.deepEqual(priyasTeams.data.items.map((team) => team.name), ['Sales']);

    // Another Priya was only invited.
    const invited = await callTool<{ invitation: { id: string } }>(client, 'invite_member', { email: 'priya.new@example.com' });
    const pending = await callTool(client, 'add_team_member', { team: 'Sales', member: 'priya.new@example.com' });
    assert.equal(pending.isError, true);
    const error = toolError(pending.result);
    assert.equal(error.code, 'member_pending_invitation');
    assert.equal(error.details.invitationId, invited.data.invitation.id);
    assert.equal(error.details.teamId, sales.data.id);
    assert.match(error.message, /not accepted/);
    assert.match(error.hint ?? '', /once they accept/);
    assert.match(error.hint ?? '', /update_invitation/);

    const unknown = await callTool(client, 'add_team_member', { team: 'Sales', member: 'nobody@example.com' });
    assert.equal(toolError(unknown.result).code, 'not_found');
    const unknownTeam = await callTool(client, 'add_team_member', { team: 'Marketing', member: priya.email });
    assert.equal(toolError(unknownTeam.result).code, 'not_found');

    // The invitation can carry the team instead.
    const carried = await callTool<{ invitation: { teamIds: string[] }; refreshed: boolean }>(client, 'invite_member', { email: 'priya.new@example.com', teams: ['Sales'] });
    assert.deepEqual(carried.data.invitation.teamIds, [sales.data.id]);
    assert.equal(carried.data.refreshed, true);

    const renamed = await callTool<{ name: string }>(client, 'update_team', { team: sales.data.id, name: 'Sales EMEA' });
    assert.equal(renamed.data.name, 'Sales EMEA');
    const removed = await callTool<{ removed: boolean; team: { memberCount: number } }>(client, 'remove_team_member', { team: sales.data.id, member: priya.id });
    assert.equal(removed.data.removed, true);
    assert.equal(removed.data.team.memberCount, 0);
    const teams = await callTool<{ items: { name: string }[] }>(client, 'list_teams', {});
    assert.deepEqual(teams.data.items.map((team) => team.name), ['Sales EMEA']);
    const deleted = await callTool<{ deleted: boolean }>(client, 'delete_team', { team: 'Sales EMEA' });
    assert.equal(deleted.data.deleted, true);
    assert.deepEqual((await callTool<{ items: unknown[] }>(client, 'list_teams', {})).data.items, []);

    assert.deepEqual(await auditActions(org), [
      'team.created',
      'team.member_added',
      'invitation.created',
      'invitation.updated',
      'team.updated',
      'team.member_removed',
      'team.deleted',
    ]);
  });

  it("answers not_found for every team of another organization and never shows another org's teams", async () => {
    const a = await setup();
    const b = await setup();
    const bMember = await createUser(t, { name: 'Bea B' });
    await addMember(t, b.org.slug, bMember);
    const bTeam = await callTool<{ id: string }>(b.client, 'create_team', { name: 'B Team' });
    const bMembership = (await callTool<{ id: string }>(b.client, 'get_member', { member: bMember.email })).data.id;
    const aTeam = await callTool<{ id: string }>(a.client, 'create_team', { name: 'A Team' });
    const aMember = await createUser(t);
    await addMember(t, a.org.slug, aMember);
    for (const [tool, args] of [
      ['update_team', { team: bTeam.data.id, name: 'Stolen' }],
      ['delete_team', { team: bTeam.data.id }],
      ['add_team_member', { team: bTeam.data.id, member: aMember.email }],
      ['add_team_member', { team: aTeam.data.id, member: bMembership }],
      ['remove_team_member', { team: bTeam.data.id, member: aMember.email }],
      ['list_teams', { member: bMember.email }],
    ] as [string, Record<string, unknown>][]) {
      const result = await callTool(a.client, tool, args);
      assert.equal(result.isError, true, `${tool} ${JSON.stringify(args)}`);
      assert.equal(toolError(result.result).code, 'not_found', tool);
      assert.doesNotMatch(JSON.stringify(result.result), /Bea B|B Team/);
    }
    const teams = await callTool<{ items: { name: string }[] }>(a.client, 'list_teams', {});
    assert.deepEqual(teams.data.items.map((team) => team.name), ['A Team']);
    assert.equal((await callTool<{ memberCount: number }>(b.client, 'update_team', { team: bTeam.data.id, description: 'still ours' })).data.memberCount, 0);
  });
});
