import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { auditActions, fieldPaths, orgWithPeople, type OrgWithPeople, skillMd } from './support/fixtures.js';
import { fails, ok } from './support/mcp.js';
import { startTestApp, unique, type TestApp } from './support/test-app.js';

const slug = (prefix: string) => unique(prefix).toLowerCase();

describe('plugins', () => {
  let t: TestApp;
  let a: OrgWithPeople;
  let other: OrgWithPeople;
  before(async () => {
    t = await startTestApp();
    a = await orgWithPeople(t);
    other = await orgWithPeople(t);
  });
  after(() => t.close());

  it('builds a plugin from skills and config objects', async () => {
    const skill = await ok(a.member.client, 'create_skill', { content: skillMd(slug('sk-')) });
    const agent = await ok(a.member.client, 'create_config_object', { type: 'agent', name: unique('agent'), content: 'x' });
    const name = slug('plug-');
    const plugin = await ok(a.member.client, 'create_plugin', { name, description: 'Useful things' });
    assert.equal(plugin.componentCount, 0);

    const added = await ok(a.member.client, 'add_plugin_component', { pluginId: plugin.id, configObjectId: skill.id });
    assert.equal(added.alreadyAttached, false);
    assert.equal((await ok(a.member.client, 'add_plugin_component', { pluginId: plugin.id, configObjectId: skill.id })).alreadyAttached, true);
    await ok(a.member.client, 'add_plugin_component', { pluginId: plugin.id, configObjectId: agent.id });

    const got = await ok(a.reader.client, 'get_plugin', { pluginId: plugin.id });
    assert.deepEqual(got.components.map((c: { configObjectId: string; type: string }) => [c.configObjectId, c.type]), [[skill.id, 'skill'], [agent.id, 'agent']]);
    assert.equal(got.componentCount, 2);

    await ok(a.member.client, 'remove_plugin_component', { pluginId: plugin.id, configObjectId: agent.id });
    assert.equal((await fails(a.member.client, 'remove_plugin_component', { pluginId: plugin.id, configObjectId: agent.id })).code, 'component_not_attached');

    const dup = await fails(a.owner.client, 'create_plugin', { name });
    assert.equal(dup.code, 'already_exists');
    assert.equal(dup.details.existingId, plugin.id);
    assert.deepEqual(fieldPaths(await fails(a.member.client, 'create_plugin', { name: 'Has Spaces' })), ['name']);
    assert.equal((await fails(a.member.client, 'add_plugin_component', { pluginId: plugin.id, configObjectId: 'nope' })).code, 'not_found');

    const listed = await ok(a.reader.client, 'list_plugins', { limit: 200 });
    assert.ok(listed.items.some((p: { id: string }) => p.id === plugin.id));

    await ok(a.member.client, 'delete_plugin', { pluginId: plugin.id });
    assert.equal((await fails(a.member.client, 'get_plugin', { pluginId: plugin.id })).code, 'not_found');
    // the skill survives its plugin
    await ok(a.member.client, 'get_skill', { skillId: skill.id });
    assert.deepEqual(await auditActions(t, a.org.id, plugin.id), [
      'plugin.created',
      'plugin.component_added',
      'plugin.component_added',
      'plugin.component_removed',
      'plugin.deleted',
    ]);
  });

  it('hides another organization\'s plugins and components behind not_found', async () => {
    const skill = await ok(other.owner.client, 'create_skill', { content: skillMd(slug('x-')) });
    const theirs = await ok(other.owner.client, 'create_plugin', { name: slug('theirs-') });
    await ok(other.owner.client, 'add_plugin_component', { pluginId: theirs.id, configObjectId: skill.id });
    const myPlugin = await ok(a.owner.client, 'create_plugin', { name: slug('mine-') });
    const mySkill = await ok(a.owner.client, 'create_skill', { content: skillMd(slug('y-')) });
    const cases: [string, Record<string, unknown>][] = [
      ['get_plugin', { pluginId: theirs.id }],
      ['add_plugin_component', { pluginId: theirs.id, configObjectId: mySkill.id }],
      ['add_plugin_component', { pluginId: myPlugin.id, configObjectId: skill.id }],
      ['remove_plugin_component', { pluginId: theirs.id, configObjectId: skill.id }],
      ['delete_plugin', { pluginId: theirs.id }],
    ];
    for (const [tool, args] of cases) assert.equal((await fails(a.owner.client, tool, args)).code, 'not_found', `${tool} ${JSON.stringify(args)}`);
    const mine = await ok(a.owner.client, 'list_plugins', { limit: 200 });
    assert.ok(!mine.items.some((p: { id: string }) => p.id === theirs.id));
    assert.equal((await ok(other.owner.client, 'get_plugin', { pluginId: theirs.id })).componentCount, 1);
  });
});
