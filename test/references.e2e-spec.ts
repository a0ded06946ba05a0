import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PrismaService } from '@app/shared';
import { addMember, createOrg, createUser, skillMd } from './support/fixtures.js';
import { fails, ok, openedClients } from './support/mcp.js';
import { startTestApp, unique, type TestApp } from './support/test-app.js';

// Every reference argument takes an id or a name, resolved by one rule: exact id first, then names
// ignoring case; several matches are ambiguous, none is not_found with the closest names.
describe('references: names or ids, one rule for every area', () => {
  let t: TestApp;
  let prisma: PrismaService;
  const clients = openedClients(() => t);
  const connect = clients.connect;

  async function setup() {
    const owner = await createUser(t, { name: 'Olivia Owner' });
    const org = await createOrg(t, owner, { seats: 50 });
    return { owner, org, client: await connect(owner, org.id) };
  }

  before(async () => {
    t = await startTestApp();
    prisma = t.get(PrismaService);
  });
  after(async () => {
    await clients.closeAll();
    await t.close();
  });

  it('people and teams by name, in any case: "Add Priya to sales"', async () => {
    const { client, org } = await setup();
    const priya = await createUser(t, { name: 'Priya Patel', email: `${unique('priya')}@example.com` });
    await addMember(t, org.slug, priya);
    const sales = await ok(client, 'create_team', { name: 'Sales' });

    const added = await ok(client, 'add_team_member', { team: 'sales', member: 'priya patel' });
    assert.equal(added.added, true);
    assert.equal(added.team.id, sales.id);
    assert.equal(added.member.email, priya.email);
    assert.equal((await ok(client, 'add_team_member', { team: 'SALES', member: priya.email.toUpperCase() })).added, false);
    assert.deepEqual((await ok(client, 'list_members', { team: 'Sales' })).items.map((m: { email: string }) => m.email), [priya.email]);
    assert.deepEqual((await ok(client, 'list_members', { teamId: sales.id })).items.map((m: { email: string }) => m.email), [priya.email]);
    assert.equal((await ok(client, 'get_member', { member: 'PRIYA PATEL' })).email, priya.email);

    // Roles by name as well as key.
    await ok(client, 'create_role', { name: 'Sales Lead', permissions: ['org:read', 'teams:read'] });
    assert.equal((await ok(client, 'update_member_role', { member: 'Priya Patel', role: 'sales lead' })).role, 'sales-lead');
    assert.equal((await ok(client, 'update_member_role', { member: priya.email, role: 'Admin' })).role, 'admin');
    assert.deepEqual((await ok(client, 'list_members', { role: 'ADMIN' })).items.map((m: { email: string }) => m.email), [priya.email]);
    assert.equal((await ok(client, 'update_role', { role: 'Sales Lead', description: 'Leads' })).description, 'Leads');
    assert.equal((await fails(client, 'update_role', { role: 'Admin', name: 'Boss' })).code, 'built_in_role');

    // The audit log by person.
    const byOwner = await ok(client, 'list_audit_events', { actor: 'Olivia Owner', action: 'team.' });
    assert.deepEqual(byOwner.items.map((e: { action: string }) => e.action), ['team.member_added', 'team.created']);
  });

  it('the catalog and the runtime by name; the …Id forms keep working', async () => {
    const { client } = await setup();
    const skill = await ok(client, 'create_skill', { content: skillMd('weekly-report') });
    assert.equal((await ok(client, 'get_skill', { skill: 'Weekly-Report' })).id, skill.id);
    assert.equal((await ok(client, 'get_skill', { skillId: skill.id })).id, skill.id);
    assert.equal((await ok(client, 'update_skill', { skill: 'weekly-report', content: skillMd('weekly-report', 'Better.') })).latestVersion, 2);

    const agent = await ok(client, 'create_config_object', { type: 'agent', name: 'Reviewer', content: 'x' });
    assert.equal((await ok(client, 'get_config_object', { configObject: 'reviewer' })).id, agent.id);
    assert.equal((await ok(client, 'get_config_object', { configObjectId: agent.id })).id, agent.id);

    const plugin = await ok(client, 'create_plugin', { name: 'report-kit' });
    assert.equal((await ok(client, 'add_plugin_component', { plugin: 'Report-Kit', configObject: 'weekly-report' })).configObjectId, skill.id);
    assert.equal((await ok(client, 'add_plugin_component', { pluginId: plugin.id, configObjectId: agent.id })).configObjectId, agent.id);
    const market = await ok(client, 'create_marketplace', { name: 'Engineering' });
    assert.equal((await ok(client, 'publish_plugin', { marketplace: 'engineering', plugin: 'report-kit' })).marketplaceId, market.id);
    assert.equal((await ok(client, 'list_marketplace_plugins', { marketplace: 'ENGINEERING' })).items.length, 1);
    const team = await ok(client, 'create_team', { name: 'Sales' });
    const grant = await ok(client, 'grant_access', { resourceType: 'plugin', resource: 'report-kit', subjectType: 'team', team: 'sales' });
    assert.equal(grant.teamId, team.id);
    assert.equal((await ok(client, 'list_access_grants', { resourceType: 'plugin', resource: 'Report-Kit' })).items.length, 1);
    const shared = await ok(client, 'share_skill', { skill: 'weekly-report', marketplace: 'Engineering' });
    assert.equal(shared.skill.id, skill.id);
    assert.equal(shared.marketplace.id, market.id);

    const worker = await ok(client, 'create_worker', { name: 'Nightly Builder' });
    assert.equal((await ok(client, 'update_worker', { worker: 'nightly builder', status: 'starting' })).id, worker.id);
    assert.equal((await ok(client, 'get_worker', { workerId: worker.id })).status, 'starting');
    const connector = await ok(client, 'create_connector', { name: 'GitHub Org', type: 'github' });
    assert.equal((await ok(client, 'get_connector', { connector: 'github org' })).id, connector.id);
    const provider = await ok(client, 'create_llm_provider', { name: 'Main OpenAI', kind: 'openai' });
    assert.equal((await ok(client, 'get_llm_provider', { provider: 'MAIN OPENAI' })).id, provider.id);
    assert.equal((await ok(client, 'delete_llm_provider', { provider: 'main openai' })).id, provider.id);

    // Both forms agreeing is fine; disagreeing or missing is a clear input error, nothing changes.
    assert.equal((await ok(client, 'get_skill', { skill: skill.id, skillId: skill.id })).id, skill.id);
    const conflict = await fails(client, 'delete_skill', { skill: 'weekly-report', skillId: agent.id });
    assert.equal(conflict.code, 'invalid_input');
    const missing = await fails(client, 'delete_skill', {});
    assert.equal(missing.code, 'invalid_input');
    assert.match(missing.message, /skill/);
    assert.equal((await ok(client, 'get_skill', { skill: 'weekly-report' })).id, skill.id);
  });

  it('an exact id wins over a name; names equal but for case are ambiguous, with candidates', async () => {
    const { client, org } = await setup();
    const first = await ok(client, 'create_team', { name: 'Support' });
    // A team whose name is another team's id: the id still names the other team.
    const impostor = await ok(client, 'create_team', { name: first.id });
    assert.equal((await ok(client, 'update_team', { team: first.id, description: 'by id' })).id, first.id);
    assert.notEqual(impostor.id, first.id);

    // Names differing only in case (as older data may hold) are never guessed between.
    const upper = await prisma.team.create({ data: { orgId: org.id, name: 'SUPPORT' } });
    const ambiguous = await fails(client, 'add_team_member', { team: 'support', member: 'Olivia Owner' });
    assert.equal(ambiguous.code, 'ambiguous_reference');
    const candidates = ambiguous.details.candidates as { id: string; name: string }[];
    assert.deepEqual(candidates.map((c) => c.id).sort(), [first.id, upper.id].sort());
    assert.deepEqual(candidates.map((c) => c.name).sort(), ['SUPPORT', 'Support']);
    assert.match(ambiguous.hint ?? '', /id/);
    assert.equal((await ok(client, 'add_team_member', { team: upper.id, member: 'Olivia Owner' })).team.id, upper.id);

    // Two people with one name: the candidates carry their emails.
    const [p1, p2] = [await createUser(t, { name: 'Sam Lee' }), await createUser(t, { name: 'sam lee' })];
    await addMember(t, org.slug, p1);
    await addMember(t, org.slug, p2);
    const who = await fails(client, 'get_member', { member: 'Sam Lee' });
    assert.equal(who.code, 'ambiguous_reference');
    assert.deepEqual((who.details.candidates as { email: string }[]).map((c) => c.email).sort(), [p1.email, p2.email].sort());
    assert.equal((await ok(client, 'get_member', { member: p2.email })).name, 'sam lee');

    // One name used by two config object types: ambiguous until the type says which.
    const agent = await ok(client, 'create_config_object', { type: 'agent', name: 'triage', content: 'a' });
    const command = await ok(client, 'create_config_object', { type: 'command', name: 'triage', content: 'c' });
    const both = await fails(client, 'get_config_object', { configObject: 'triage' });
    assert.equal(both.code, 'ambiguous_reference');
    assert.deepEqual((both.details.candidates as { type: string }[]).map((c) => c.type).sort(), ['agent', 'command']);
    assert.equal((await ok(client, 'get_config_object', { configObject: 'triage', type: 'command' })).id, command.id);
    const plugin = await ok(client, 'create_plugin', { name: 'triage-kit' });
    assert.equal((await fails(client, 'add_plugin_component', { plugin: plugin.id, configObject: 'Triage' })).code, 'ambiguous_reference');
    assert.equal((await ok(client, 'add_plugin_component', { plugin: plugin.id, configObject: 'Triage', type: 'agent' })).configObjectId, agent.id);
  });

  it('nothing found: not_found with up to three close names and the tool that lists them', async () => {
    const { client } = await setup();
    for (const name of ['Sales', 'Sales EMEA', 'Support', 'Marketing']) await ok(client, 'create_team', { name });
    const typo = await fails(client, 'update_team', { team: 'Slaes', description: 'x' });
    assert.equal(typo.code, 'not_found');
    assert.equal(typo.details.listTool, 'list_teams');
    assert.deepEqual(typo.details.suggestions, ['Sales']);
    assert.match(typo.hint ?? '', /"Sales"/);
    const partial = await fails(client, 'delete_team', { team: 'sales' + ' team' });
    assert.ok((partial.details.suggestions as string[]).length <= 3);
    assert.ok((partial.details.suggestions as string[]).includes('Sales'), JSON.stringify(partial.details));
    const far = await fails(client, 'delete_team', { team: 'Zz9' });
    assert.deepEqual(far.details.suggestions, []);
    assert.match(far.hint ?? '', /list_teams/);

    await ok(client, 'create_skill', { content: skillMd('weekly-report') });
    const skill = await fails(client, 'share_skill', { skill: 'weekly-reprot' });
    assert.deepEqual([skill.code, skill.details.listTool, skill.details.suggestions], ['not_found', 'list_skills', ['weekly-report']]);
    const person = await fails(client, 'get_member', { member: 'Olivia Ownr' });
    assert.deepEqual([person.code, person.details.listTool, person.details.suggestions], ['not_found', 'find_people', ['Olivia Owner']]);
    const role = await fails(client, 'update_member_role', { member: 'Olivia Owner', role: 'admn' });
    assert.deepEqual([role.code, role.details.listTool, role.details.suggestions], ['not_found', 'list_roles', ['admin']]);
    for (const [tool, args, listTool] of [
      ['get_worker', { worker: 'nope' }, 'list_workers'],
      ['get_connector', { connector: 'nope' }, 'list_connectors'],
      ['get_llm_provider', { provider: 'nope' }, 'list_llm_providers'],
      ['get_plugin', { plugin: 'nope' }, 'list_plugins'],
      ['list_marketplace_plugins', { marketplace: 'nope' }, 'list_marketplaces'],
      ['get_config_object', { configObject: 'nope' }, 'list_config_objects'],
      ['update_invitation', { invitation: 'nope@example.com', role: 'admin' }, 'list_invitations'],
      ['resend_invitation', { invitation: 'nope@example.com' }, 'list_invitations'],
    ] as const) {
      const error = await fails(client, tool, args);
      assert.equal(error.code, 'not_found', tool);
      assert.equal(error.details.listTool, listTool, tool);
      assert.ok(Array.isArray(error.details.suggestions), tool);
    }
  });

  it("another organization's names and ids are not found, and never suggested or listed as candidates", async () => {
    const a = await setup();
    const b = await setup();
    const bPerson = await createUser(t, { name: 'Bea Bright' });
    await addMember(t, b.org.slug, bPerson);
    await ok(b.client, 'create_team', { name: 'Sales Bravo' });
    await ok(b.client, 'create_skill', { content: skillMd('bravo-skill') });
    await ok(b.client, 'create_worker', { name: 'Bravo Worker' });
    await ok(b.client, 'invite_member', { email: 'bravo-invitee@example.com' });
    await ok(a.client, 'create_team', { name: 'Sales' });

    const attempts: [string, Record<string, unknown>][] = [
      ['add_team_member', { team: 'Sales Bravo', member: 'Olivia Owner' }],
      ['add_team_member', { team: 'Sales', member: 'Bea Bright' }],
      ['add_team_member', { team: 'Sales', member: bPerson.email }],
      ['get_skill', { skill: 'bravo-skill' }],
      ['share_skill', { skill: 'bravo-skill' }],
      ['get_worker', { worker: 'Bravo Worker' }],
      ['update_invitation', { invitation: 'bravo-invitee@example.com', role: 'admin' }],
      ['revoke_invitation', { invitation: 'bravo-invitee@example.com' }],
      ['resend_invitation', { invitation: 'bravo-invitee@example.com' }],
      ['list_audit_events', { actor: 'Bea Bright' }],
    ];
    for (const [tool, args] of attempts) {
      const error = await fails(a.client, tool, args);
      assert.equal(error.code, 'not_found', `${tool} ${JSON.stringify(args)}: ${error.code}`);
      assert.doesNotMatch(JSON.stringify(error.details.suggestions), /Bravo|bravo|Bea/, tool);
    }
    const people = await ok(a.client, 'find_people', { query: 'b' });
    assert.doesNotMatch(JSON.stringify(people), /Bea|bravo/);
    assert.equal(await prisma.auditEvent.count({ where: { orgId: b.org.id, action: { not: { startsWith: 'team.' } } } }), 3);
  });

  it('find_people: active members and pending invitees in one call, exact matches first, for a plain member too', async () => {
    const { client, org } = await setup();
    const priya = await createUser(t, { name: 'Priya Patel', email: `${unique('priya')}@example.com` });
    await addMember(t, org.slug, priya);
    const member = await createUser(t, { name: 'Mo Member' });
    await addMember(t, org.slug, member);
    await ok(client, 'invite_member', { email: 'priya.new@example.com', role: 'admin' });
    await ok(client, 'invite_member', { email: 'someone@example.com' });
    await ok(client, 'revoke_invitation', { invitation: 'someone@example.com' });

    const memberClient = await connect(member, org.id, 'mcp:read');
    const found = await ok(memberClient, 'find_people', { query: 'PRIYA' });
    assert.deepEqual(
      found.people.map((p: { status: string; email: string; name: string | null; role: string }) => [p.status, p.email, p.name, p.role]),
      [
        ['active', priya.email, 'Priya Patel', 'member'],
        ['invited', 'priya.new@example.com', null, 'admin'],
      ],
    );
    assert.equal(found.truncated, false);
    const invitee = found.people[1];
    assert.equal(invitee.id, (await prisma.invitation.findFirstOrThrow({ where: { orgId: org.id, email: 'priya.new@example.com' } })).id);
    assert.ok(invitee.expiresAt);
    assert.equal((await ok(memberClient, 'find_people', { query: 'someone' })).people.length, 0, 'revoked invitations are not people');
    const exactFirst = await ok(client, 'find_people', { query: 'priya.new@example.com' });
    assert.equal(exactFirst.people[0].email, 'priya.new@example.com');
    const limited = await ok(client, 'find_people', { query: 'e', limit: 1 });
    assert.equal(limited.people.length, 1);
    assert.equal(limited.truncated, true);
    assert.equal((await fails(client, 'find_people', { query: '' })).code, 'invalid_input');
  });

  it('matches search text literally in every tool that searches: %, _ and \\ are characters, not wildcards', async () => {
    const { client, org } = await setup();
    const priya = await createUser(t, { name: 'Priya Patel', email: `${unique('priya')}@example.com` });
    await addMember(t, org.slug, priya);
    await ok(client, 'invite_member', { email: 'omar@example.com' });
    await ok(client, 'create_team', { name: 'Sales' });
    const literal = await ok(client, 'create_team', { name: '50% off_sale \\ team' });
    const searches = [
      (query: string) => ok(client, 'find_people', { query }).then((r) => r.people),
      (query: string) => ok(client, 'list_members', { query }).then((r) => r.items),
      (query: string) => ok(client, 'list_invitations', { query }).then((r) => r.items),
      (query: string) => ok(client, 'list_teams', { query }).then((r) => r.items.filter((team: { id: string }) => team.id !== literal.id)),
    ];
    for (const text of ['%', '%%', '_', '\\', 'PRI%', 'P_IYA', 'om_r', '%@%', 'S_les']) {
      for (const [index, search] of searches.entries()) assert.deepEqual(await search(text), [], `search ${index} for ${JSON.stringify(text)}`);
    }
    for (const text of ['50%', '% OFF_', 'off_sale \\ t', '\\']) {
      assert.deepEqual((await ok(client, 'list_teams', { query: text })).items.map((team: { id: string }) => team.id), [literal.id], text);
    }
  });
});
