import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { PrismaService } from '@app/shared';
import { addMember, auditActions, createTeam, createUser, fieldPaths, orgWithPeople, type OrgWithPeople, skillMd } from './support/fixtures.js';
import { connectWithToken, fails, ok } from './support/mcp.js';
import { startTestApp, unique, type TestApp } from './support/test-app.js';
import { mintAccess } from './support/tokens.js';

const slug = (prefix: string) => unique(prefix).toLowerCase();

async function visiblePluginIds(client: Client, marketplaceId?: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await ok(client, 'list_marketplace_plugins', { limit: 200, ...(marketplaceId ? { marketplaceId } : {}), ...(cursor ? { cursor } : {}) });
    ids.push(...page.items.map((i: { plugin: { id: string } }) => i.plugin.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

describe('marketplaces, access grants and sharing', () => {
  let t: TestApp;
  let a: OrgWithPeople;
  let other: OrgWithPeople;
  before(async () => {
    t = await startTestApp();
    a = await orgWithPeople(t);
    other = await orgWithPeople(t);
  });
  after(() => t.close());

  it('runs the sharing flow as two users: the author shares with the organization, a teammate sees it', async () => {
    const author = a.owner.client;
    const teammate = a.member.client;
    const skill = await ok(author, 'create_skill', { content: skillMd(slug('weekly-status-report-'), 'Writes weekly status reports.') });
    const plugin = await ok(author, 'create_plugin', { name: skill.name, description: skill.description });
    await ok(author, 'add_plugin_component', { pluginId: plugin.id, configObjectId: skill.id });
    const marketplace = await ok(author, 'create_marketplace', { name: unique('Company '), description: 'Everyone' });
    const dup = await fails(author, 'create_marketplace', { name: marketplace.name });
    assert.equal(dup.code, 'already_exists');
    assert.equal(dup.details.existingId, marketplace.id);

    const published = await ok(author, 'publish_plugin', { marketplaceId: marketplace.id, pluginId: plugin.id });
    assert.equal(published.alreadyPublished, false);
    assert.equal((await ok(author, 'publish_plugin', { marketplaceId: marketplace.id, pluginId: plugin.id })).alreadyPublished, true);

    // published but not shared yet: the teammate does not see it
    assert.ok(!(await visiblePluginIds(teammate)).includes(plugin.id));

    const grant = await ok(author, 'grant_access', { resourceType: 'plugin', resourceId: plugin.id, subjectType: 'org', role: 'viewer' });
    assert.equal(grant.created, true);

    const page = await ok(teammate, 'list_marketplace_plugins', { marketplaceId: marketplace.id });
    const item = page.items.find((i: { plugin: { id: string } }) => i.plugin.id === plugin.id);
    assert.ok(item, 'the teammate sees the shared plugin');
    assert.equal(item.role, 'viewer');
    assert.equal(item.plugin.componentCount, 1);
    assert.equal(item.marketplace.name, marketplace.name);
    assert.match(item.via.join(' '), /organization/);

    const grants = await ok(a.reader.client, 'list_access_grants', { resourceType: 'plugin', resourceId: plugin.id });
    assert.deepEqual(grants.items.map((g: { id: string }) => g.id), [grant.id]);

    assert.deepEqual(await auditActions(t, a.org.id, marketplace.id), ['marketplace.created', 'marketplace.plugin_published']);
    assert.deepEqual(await auditActions(t, a.org.id, plugin.id), ['plugin.created', 'plugin.component_added', 'access.granted']);

    await ok(author, 'unpublish_plugin', { marketplaceId: marketplace.id, pluginId: plugin.id });
    assert.ok(!(await visiblePluginIds(teammate)).includes(plugin.id));
    assert.equal((await fails(author, 'unpublish_plugin', { marketplaceId: marketplace.id, pluginId: plugin.id })).code, 'not_published');
    assert.deepEqual(await auditActions(t, a.org.id, marketplace.id), ['marketplace.created', 'marketplace.plugin_published', 'marketplace.plugin_unpublished']);
  });

  it('share_skill does it all in one call and creates nothing twice', async () => {
    const fresh = await orgWithPeople(t);
    const skill = await ok(fresh.owner.client, 'create_skill', { content: skillMd('weekly-status-report', 'Writes weekly status reports.') });
    const first = await ok(fresh.owner.client, 'share_skill', { skillId: skill.id });
    assert.equal(first.plugin.name, 'weekly-status-report');
    assert.deepEqual([first.plugin.created, first.componentAdded, first.marketplace.created, first.published, first.grant.created], [true, true, true, true, true]);
    assert.deepEqual(first.alreadyExisted, []);

    const second = await ok(fresh.owner.client, 'share_skill', { skillId: skill.id });
    assert.deepEqual([second.plugin.created, second.componentAdded, second.marketplace.created, second.published, second.grant.created], [false, false, false, false, false]);
    assert.equal(second.plugin.id, first.plugin.id);
    assert.equal(second.marketplace.id, first.marketplace.id);
    assert.equal(second.grant.id, first.grant.id);
    assert.equal(second.alreadyExisted.length, 5);
    assert.match(second.summary, /Nothing to do/);

    const prisma = t.get(PrismaService);
    const orgId = fresh.org.id;
    assert.equal(await prisma.plugin.count({ where: { orgId } }), 1);
    assert.equal(await prisma.pluginComponent.count({ where: { orgId } }), 1);
    assert.equal(await prisma.marketplace.count({ where: { orgId } }), 1);
    assert.equal(await prisma.marketplacePlugin.count({ where: { orgId } }), 1);
    assert.equal(await prisma.accessGrant.count({ where: { orgId } }), 1);
    assert.equal(await prisma.auditEvent.count({ where: { orgId, action: 'skill.shared' } }), 1);

    assert.deepEqual(await visiblePluginIds(fresh.member.client), [first.plugin.id]);

    // an existing marketplace is reused rather than a default one created
    const other2 = await ok(fresh.owner.client, 'create_skill', { content: skillMd('meeting-notes') });
    const shared = await ok(fresh.owner.client, 'share_skill', { skillId: other2.id });
    assert.equal(shared.marketplace.id, first.marketplace.id);
    assert.equal(shared.marketplace.created, false);

    // two agents sharing the same skill at once still leave one of everything
    const raced = await ok(fresh.owner.client, 'create_skill', { content: skillMd('raced-skill') });
    const both = await Promise.all([0, 1].map(() => ok(fresh.owner.client, 'share_skill', { skillId: raced.id })));
    assert.equal(both[0].plugin.id, both[1].plugin.id);
    assert.equal(await prisma.plugin.count({ where: { orgId, name: 'raced-skill' } }), 1);
    assert.equal(await prisma.accessGrant.count({ where: { orgId, pluginId: both[0].plugin.id } }), 1);

    // members may contribute skills but not share with everyone
    const denied = await fails(fresh.member.client, 'share_skill', { skillId: skill.id });
    assert.equal(denied.code, 'permission_denied');
  });

  it('share_skill asks for the one permission it declares, marketplaces:manage, and not catalog:write as well', async () => {
    const fresh = await orgWithPeople(t);
    const skill = await ok(fresh.owner.client, 'create_skill', { content: skillMd('shared-by-a-sharer') });
    await ok(fresh.owner.client, 'create_role', { name: 'Sharer', permissions: ['org:read', 'catalog:read', 'marketplaces:manage'] });
    const sharerUser = await createUser(t);
    await addMember(t, fresh.org.slug, sharerUser, 'sharer');
    const sharer = await connectWithToken(t.url, (await mintAccess(t, sharerUser, fresh.org.id)).token);
    const shared = await ok(sharer, 'share_skill', { skillId: skill.id });
    assert.equal(shared.plugin.created, true);
    assert.equal(shared.grant.created, true);
    // the same role cannot write the catalog on its own
    assert.equal((await fails(sharer, 'create_plugin', { name: slug('not-allowed-') })).details.requiredPermission, 'catalog:write');
    // and catalog:write alone does not share
    const denied = await fails(fresh.member.client, 'share_skill', { skillId: skill.id });
    assert.equal(denied.details.requiredPermission, 'marketplaces:manage');
    await sharer.close();
  });

  it('shows a team grant only to the team\'s members, until it is revoked', async () => {
    const plugin = await ok(a.owner.client, 'create_plugin', { name: slug('team-only-') });
    const marketplace = await ok(a.owner.client, 'create_marketplace', { name: unique('Team market ') });
    await ok(a.owner.client, 'publish_plugin', { marketplaceId: marketplace.id, pluginId: plugin.id });
    const team = await createTeam(t, a.org.id, [a.member.membershipId]);

    const grant = await ok(a.owner.client, 'grant_access', { resourceType: 'plugin', resourceId: plugin.id, subjectType: 'team', teamId: team.id, role: 'editor' });
    const inTeam = (await ok(a.member.client, 'list_marketplace_plugins', { marketplaceId: marketplace.id })).items;
    assert.deepEqual(inTeam.map((i: { plugin: { id: string } }) => i.plugin.id), [plugin.id]);
    assert.equal(inTeam[0].role, 'editor');
    assert.match(inTeam[0].via.join(' '), new RegExp(team.name));
    assert.deepEqual(await visiblePluginIds(a.reader.client, marketplace.id), []);
    // admins see everything
    assert.deepEqual(await visiblePluginIds(a.owner.client, marketplace.id), [plugin.id]);

    // granting the same team again changes the role instead of adding a grant
    const again = await ok(a.owner.client, 'grant_access', { resourceType: 'plugin', resourceId: plugin.id, subjectType: 'team', teamId: team.id, role: 'viewer' });
    assert.equal(again.id, grant.id);
    assert.equal(again.created, false);
    assert.equal(again.previousRole, 'editor');

    // a member grant on the whole marketplace reaches the reader
    const direct = await ok(a.owner.client, 'grant_access', { resourceType: 'marketplace', resourceId: marketplace.id, subjectType: 'member', membershipId: a.reader.membershipId });
    assert.deepEqual(await visiblePluginIds(a.reader.client, marketplace.id), [plugin.id]);
    await ok(a.owner.client, 'revoke_access', { grantId: direct.id });
    assert.deepEqual(await visiblePluginIds(a.reader.client, marketplace.id), []);

    // concurrent grants to the same subject end up as one grant
    const [g1, g2] = await Promise.all([0, 1].map(() => ok(a.owner.client, 'grant_access', { resourceType: 'marketplace', resourceId: marketplace.id, subjectType: 'team', teamId: team.id })));
    assert.equal(g1.id, g2.id);
    await ok(a.owner.client, 'revoke_access', { grantId: g1.id });

    await ok(a.owner.client, 'revoke_access', { grantId: grant.id });
    assert.deepEqual(await visiblePluginIds(a.member.client, marketplace.id), []);
    assert.deepEqual(await auditActions(t, a.org.id, plugin.id), ['plugin.created', 'access.granted', 'access.granted', 'access.revoked']);
  });

  it('lets members share their own plugins with teams and people, but not with the whole organization', async () => {
    const plugin = await ok(a.member.client, 'create_plugin', { name: slug('mine-') });
    const orgWide = await fails(a.member.client, 'grant_access', { resourceType: 'plugin', resourceId: plugin.id, subjectType: 'org' });
    assert.equal(orgWide.code, 'permission_denied');
    assert.equal(orgWide.details.requiredPermission, 'marketplaces:manage');
    const toReader = await ok(a.member.client, 'grant_access', { resourceType: 'plugin', resourceId: plugin.id, subjectType: 'member', membershipId: a.reader.membershipId, role: 'viewer' });
    assert.equal(toReader.created, true);

    // someone else's plugin: changing it needs an editor grant, sharing it a manager grant
    const agent = await ok(a.reader.client, 'create_config_object', { type: 'agent', name: unique('agent'), content: 'x' });
    const denied = await fails(a.reader.client, 'add_plugin_component', { pluginId: plugin.id, configObjectId: agent.id });
    assert.equal(denied.code, 'permission_denied');
    assert.equal((await fails(a.reader.client, 'delete_plugin', { pluginId: plugin.id })).code, 'permission_denied');
    await ok(a.member.client, 'grant_access', { resourceType: 'plugin', resourceId: plugin.id, subjectType: 'member', membershipId: a.reader.membershipId, role: 'editor' });
    await ok(a.reader.client, 'add_plugin_component', { pluginId: plugin.id, configObjectId: agent.id });
    await ok(a.reader.client, 'remove_plugin_component', { pluginId: plugin.id, configObjectId: agent.id });
    await ok(a.member.client, 'grant_access', { resourceType: 'plugin', resourceId: plugin.id, subjectType: 'member', membershipId: a.reader.membershipId, role: 'viewer' });
    assert.equal((await fails(a.reader.client, 'add_plugin_component', { pluginId: plugin.id, configObjectId: agent.id })).code, 'permission_denied');
    // someone else's plugin: only with a manager grant
    assert.equal((await fails(a.reader.client, 'grant_access', { resourceType: 'plugin', resourceId: plugin.id, subjectType: 'member', membershipId: a.owner.membershipId })).code, 'permission_denied');
    assert.equal((await fails(a.reader.client, 'revoke_access', { grantId: toReader.id })).code, 'permission_denied');

    for (const [tool, args] of [
      ['create_marketplace', { name: unique('M ') }],
      ['publish_plugin', { marketplaceId: 'x', pluginId: plugin.id }],
      ['unpublish_plugin', { marketplaceId: 'x', pluginId: plugin.id }],
    ] as const) {
      assert.equal((await fails(a.member.client, tool, args)).code, 'permission_denied', tool);
    }
  });

  it('names the field when a grant is malformed', async () => {
    const plugin = await ok(a.owner.client, 'create_plugin', { name: slug('g-') });
    let e = await fails(a.owner.client, 'grant_access', { resourceType: 'plugin', resourceId: plugin.id, subjectType: 'team' });
    assert.deepEqual(fieldPaths(e), ['team']);
    e = await fails(a.owner.client, 'grant_access', { resourceType: 'plugin', resourceId: plugin.id, subjectType: 'org', membershipId: a.member.membershipId });
    assert.deepEqual(fieldPaths(e), ['membershipId']);
    e = await fails(a.owner.client, 'grant_access', { resourceType: 'plugin', resourceId: plugin.id, subjectType: 'org', role: 'owner' });
    assert.deepEqual(fieldPaths(e), ['role']);
    e = await fails(a.owner.client, 'grant_access', { resourceType: 'skill', resourceId: plugin.id, subjectType: 'org' });
    assert.deepEqual(fieldPaths(e), ['resourceType']);
    assert.equal((await fails(a.owner.client, 'grant_access', { resourceType: 'plugin', resourceId: plugin.id, subjectType: 'team', teamId: 'no-such-team' })).code, 'not_found');
  });

  it('paginates marketplaces and installable plugins', async () => {
    const fresh = await orgWithPeople(t);
    const market = await ok(fresh.owner.client, 'create_marketplace', { name: 'Main' });
    for (let i = 0; i < 2; i++) await ok(fresh.owner.client, 'create_marketplace', { name: `Extra ${i}` });
    for (let i = 0; i < 5; i++) {
      const p = await ok(fresh.owner.client, 'create_plugin', { name: `p-${i}` });
      await ok(fresh.owner.client, 'publish_plugin', { marketplaceId: market.id, pluginId: p.id });
      await ok(fresh.owner.client, 'grant_access', { resourceType: 'plugin', resourceId: p.id, subjectType: 'org' });
    }
    const first = await ok(fresh.member.client, 'list_marketplace_plugins', { limit: 2 });
    assert.equal(first.items.length, 2);
    assert.ok(first.nextCursor);
    assert.equal((await visiblePluginIds(fresh.member.client)).length, 5);
    const markets = await ok(fresh.reader.client, 'list_marketplaces', { limit: 2 });
    assert.equal(markets.items.length, 2);
    const rest = await ok(fresh.reader.client, 'list_marketplaces', { limit: 2, cursor: markets.nextCursor });
    assert.equal(rest.items.length, 1);
    assert.equal(rest.nextCursor, null);
    assert.equal(markets.items[0].pluginCount, 5);
  });

  it('hides another organization\'s marketplaces, listings, grants and teams behind not_found', async () => {
    const skill = await ok(other.owner.client, 'create_skill', { content: skillMd(slug('x-')) });
    const shared = await ok(other.owner.client, 'share_skill', { skillId: skill.id });
    const theirTeam = await createTeam(t, other.org.id, [other.member.membershipId]);
    const myPlugin = await ok(a.owner.client, 'create_plugin', { name: slug('mine-') });
    const mySkill = await ok(a.owner.client, 'create_skill', { content: skillMd(slug('y-')) });
    const myMarket = await ok(a.owner.client, 'create_marketplace', { name: unique('Mine ') });
    const cases: [string, Record<string, unknown>][] = [
      ['publish_plugin', { marketplaceId: shared.marketplace.id, pluginId: myPlugin.id }],
      ['publish_plugin', { marketplaceId: myMarket.id, pluginId: shared.plugin.id }],
      ['unpublish_plugin', { marketplaceId: shared.marketplace.id, pluginId: shared.plugin.id }],
      ['list_marketplace_plugins', { marketplaceId: shared.marketplace.id }],
      ['grant_access', { resourceType: 'plugin', resourceId: shared.plugin.id, subjectType: 'org' }],
      ['grant_access', { resourceType: 'marketplace', resourceId: shared.marketplace.id, subjectType: 'org' }],
      ['grant_access', { resourceType: 'plugin', resourceId: myPlugin.id, subjectType: 'team', teamId: theirTeam.id }],
      ['grant_access', { resourceType: 'plugin', resourceId: myPlugin.id, subjectType: 'member', membershipId: other.member.membershipId }],
      ['revoke_access', { grantId: shared.grant.id }],
      ['list_access_grants', { resourceType: 'plugin', resourceId: shared.plugin.id }],
      ['share_skill', { skillId: skill.id }],
      ['share_skill', { skillId: mySkill.id, marketplaceId: shared.marketplace.id }],
    ];
    for (const [tool, args] of cases) assert.equal((await fails(a.owner.client, tool, args)).code, 'not_found', `${tool} ${JSON.stringify(args)}`);
    assert.ok(!(await visiblePluginIds(a.owner.client)).includes(shared.plugin.id));
    const markets = await ok(a.owner.client, 'list_marketplaces', { limit: 200 });
    assert.ok(!markets.items.some((m: { id: string }) => m.id === shared.marketplace.id));
  });

  it('keeps mutating catalog tools away from a read-only connection', async () => {
    const names = (await a.readOnly.listTools()).tools.map((tool) => tool.name);
    for (const name of ['list_plugins', 'get_plugin', 'list_marketplaces', 'list_marketplace_plugins', 'list_access_grants']) assert.ok(names.includes(name), name);
    for (const name of ['create_plugin', 'add_plugin_component', 'remove_plugin_component', 'delete_plugin', 'create_marketplace', 'publish_plugin', 'unpublish_plugin', 'grant_access', 'revoke_access', 'share_skill']) {
      assert.ok(!names.includes(name), name);
    }
    const all = (await a.owner.client.listTools()).tools;
    for (const tool of all.filter((x) => /plugin|marketplace|access|share/.test(x.name))) {
      assert.equal(tool.annotations!.readOnlyHint, /^(list|get)_/.test(tool.name), tool.name);
      assert.equal(tool.annotations!.destructiveHint, /^(delete|remove|unpublish|revoke)_/.test(tool.name), tool.name);
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) assert.ok((schema as { description?: string }).description, `${tool.name}.${field}`);
    }
  });
});
