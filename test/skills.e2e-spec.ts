import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fails, ok, rawMcp } from './support/mcp.js';
import { auditActions, fieldPaths, orgWithPeople, skillMd, type OrgWithPeople } from './support/fixtures.js';
import { startTestApp, unique, type TestApp } from './support/test-app.js';
import { mintAccess } from './support/tokens.js';

describe('skills and config objects', () => {
  let t: TestApp;
  let a: OrgWithPeople;
  let other: OrgWithPeople;
  before(async () => {
    t = await startTestApp();
    a = await orgWithPeople(t);
    other = await orgWithPeople(t);
  });
  after(() => t.close());

  it('creates a skill from SKILL.md as version 1, updates it into version 2 and reads either', async () => {
    const name = unique('weekly-status-').toLowerCase();
    const created = await ok(a.member.client, 'create_skill', { content: skillMd(name, 'Writes a weekly status report.') });
    assert.equal(created.name, name);
    assert.equal(created.description, 'Writes a weekly status report.');
    assert.equal(created.latestVersion, 1);
    assert.equal(created.version, 1);

    const updated = await ok(a.member.client, 'update_skill', { skillId: created.id, content: skillMd(name, 'Writes a better report.', 'v2 body\n') });
    assert.equal(updated.latestVersion, 2);
    assert.equal(updated.description, 'Writes a better report.');

    const latest = await ok(a.reader.client, 'get_skill', { skillId: created.id });
    assert.match(latest.content, /v2 body/);
    const first = await ok(a.reader.client, 'get_skill', { skillId: created.id, version: 1 });
    assert.match(first.content, /Do the thing/);
    assert.equal((await fails(a.reader.client, 'get_skill', { skillId: created.id, version: 7 })).code, 'version_not_found');

    assert.deepEqual(await auditActions(t, a.org.id, created.id), ['skill.created', 'skill.updated']);

    const dup = await fails(a.owner.client, 'create_skill', { content: skillMd(name) });
    assert.equal(dup.code, 'already_exists');
    assert.equal(dup.details.existingId, created.id);

    await ok(a.member.client, 'delete_skill', { skillId: created.id });
    assert.equal((await fails(a.member.client, 'get_skill', { skillId: created.id })).code, 'not_found');
    assert.deepEqual(await auditActions(t, a.org.id, created.id), ['skill.created', 'skill.updated', 'skill.deleted']);
  });

  it('names the field when SKILL.md or the input is invalid', async () => {
    let e = await fails(a.member.client, 'create_skill', { content: '---\nname: Not Valid\ndescription: x\n---\n' });
    assert.equal(e.code, 'invalid_input');
    assert.deepEqual(fieldPaths(e), ['content.name']);
    e = await fails(a.member.client, 'create_skill', { content: `---\nname: ok-name\ndescription: ${'x'.repeat(1025)}\n---\n` });
    assert.deepEqual(fieldPaths(e), ['content.description']);
    e = await fails(a.member.client, 'create_skill', { content: 'just text' });
    assert.deepEqual(fieldPaths(e), ['content']);
    e = await fails(a.member.client, 'create_skill', {});
    assert.deepEqual(fieldPaths(e), ['content']);
    e = await fails(a.member.client, 'create_config_object', { type: 'spaceship', name: 'x', content: '' });
    assert.deepEqual(fieldPaths(e), ['type']);
    e = await fails(a.member.client, 'list_skills', { limit: 201 });
    assert.deepEqual(fieldPaths(e), ['limit']);
  });

  it('paginates skills', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await ok(a.owner.client, 'create_skill', { content: skillMd(unique('page-').toLowerCase()) })).id);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = await ok(a.reader.client, 'list_skills', { limit: 2, ...(cursor ? { cursor } : {}) });
      assert.ok(page.items.length <= 2);
      seen.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    assert.ok(pages >= 3);
    for (const id of ids) assert.ok(seen.includes(id));
    assert.equal(new Set(seen).size, seen.length);
    assert.equal((await fails(a.reader.client, 'list_skills', { cursor: 'garbage' })).code, 'invalid_input');
  });

  it('versions generic config objects and keeps them apart from skills', async () => {
    const name = unique('reviewer-');
    const created = await ok(a.member.client, 'create_config_object', { type: 'agent', name, description: 'Reviews code', content: 'You review code.', metadata: { model: 'x' } });
    assert.equal(created.type, 'agent');
    assert.equal(created.version, 1);
    const updated = await ok(a.member.client, 'update_config_object', { configObjectId: created.id, content: 'You review code carefully.' });
    assert.equal(updated.latestVersion, 2);
    assert.deepEqual(updated.metadata, { model: 'x' });
    assert.equal(updated.description, 'Reviews code');
    const v1 = await ok(a.reader.client, 'get_config_object', { configObjectId: created.id, version: 1 });
    assert.equal(v1.content, 'You review code.');

    const dup = await fails(a.member.client, 'create_config_object', { type: 'agent', name, content: '' });
    assert.equal(dup.code, 'already_exists');
    assert.equal(dup.details.existingId, created.id);
    // the same name with another type is a different object
    await ok(a.member.client, 'create_config_object', { type: 'command', name, content: '/review' });

    const agents = await ok(a.reader.client, 'list_config_objects', { type: 'agent', limit: 200 });
    assert.ok(agents.items.every((o: { type: string }) => o.type === 'agent'));
    assert.ok(agents.items.some((o: { id: string }) => o.id === created.id));

    // a skill is not reachable through the generic tools, and the other way round
    const skill = await ok(a.member.client, 'create_skill', { content: skillMd(unique('s-').toLowerCase()) });
    assert.equal((await fails(a.reader.client, 'get_config_object', { configObjectId: skill.id })).code, 'not_found');
    assert.equal((await fails(a.reader.client, 'get_skill', { skillId: created.id })).code, 'not_found');

    await ok(a.member.client, 'delete_config_object', { configObjectId: created.id });
    assert.deepEqual(await auditActions(t, a.org.id, created.id), ['config_object.created', 'config_object.updated', 'config_object.deleted']);
  });

  it('hides another organization\'s skills and config objects behind not_found', async () => {
    const skill = await ok(other.owner.client, 'create_skill', { content: skillMd(unique('theirs-').toLowerCase()) });
    const obj = await ok(other.owner.client, 'create_config_object', { type: 'hook', name: unique('h'), content: 'x' });
    for (const [tool, args] of [
      ['get_skill', { skillId: skill.id }],
      ['update_skill', { skillId: skill.id, content: skillMd('stolen') }],
      ['delete_skill', { skillId: skill.id }],
      ['get_config_object', { configObjectId: obj.id }],
      ['update_config_object', { configObjectId: obj.id, content: 'x' }],
      ['delete_config_object', { configObjectId: obj.id }],
    ] as const) {
      assert.equal((await fails(a.owner.client, tool, args)).code, 'not_found', tool);
    }
    const mine = await ok(a.owner.client, 'list_skills', { limit: 200 });
    assert.ok(!mine.items.some((s: { id: string }) => s.id === skill.id));
    assert.ok(await ok(other.owner.client, 'get_skill', { skillId: skill.id }));
  });

  it('lets a read-only connection read but not see or call the mutating tools', async () => {
    const { tools } = await a.readOnly.listTools();
    const names = tools.map((tool) => tool.name);
    assert.ok(names.includes('list_skills') && names.includes('get_config_object'));
    for (const name of ['create_skill', 'update_skill', 'delete_skill', 'create_config_object', 'update_config_object', 'delete_config_object']) {
      assert.ok(!names.includes(name), name);
    }
    await ok(a.readOnly, 'list_skills');
    const user = a.member.user;
    const { token } = await mintAccess(t, user, a.org.id, 'mcp:read');
    const response = await rawMcp(t.url, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'create_skill', arguments: { content: skillMd('nope') } } }, { authorization: `Bearer ${token}` });
    assert.equal(response.status, 403);
    assert.match(response.headers.get('www-authenticate') ?? '', /insufficient_scope/);
  });

  it('declares honest annotations and described inputs', async () => {
    const { tools } = await a.owner.client.listTools();
    for (const tool of tools.filter((x) => /skill|config_object/.test(x.name))) {
      const ann = tool.annotations!;
      assert.equal(typeof ann.readOnlyHint, 'boolean', tool.name);
      assert.equal(ann.destructiveHint, tool.name.startsWith('delete_'), tool.name);
      assert.equal(ann.readOnlyHint, /^(list|get)_/.test(tool.name), tool.name);
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        assert.ok((schema as { description?: string }).description, `${tool.name}.${field} has a description`);
      }
    }
  });
});
