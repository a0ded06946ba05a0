import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ALL_PERMISSIONS, BUILT_IN_ROLES } from '@app/access';
import type { Account } from '@app/identity';
import { PrismaService } from '@app/shared';
import { addMember, createOrg, createUser } from './support/fixtures.js';
import { callTool, toolError, openedClients } from './support/mcp.js';
import { startTestApp, unique, type TestApp } from './support/test-app.js';

// Nobody acts on someone whose role allows more than their own, and nobody hands out more than they hold,
// whichever tool they use. Each case runs through the real MCP tools of a custom-role actor.
describe('role hierarchy', () => {
  let t: TestApp;
  let prisma: PrismaService;
  const clients = openedClients(() => t);
  const connect = clients.connect;

  async function expectRefused(client: Client, tool: string, args: Record<string, unknown>, code = 'role_exceeds_your_permissions') {
    const call = await callTool(client, tool, args);
    assert.equal(call.isError, true, `${tool} ${JSON.stringify(args)} must be refused`);
    assert.equal(toolError(call.result).code, code, `${tool} ${JSON.stringify(args)}: ${toolError(call.result).message}`);
    return toolError(call.result);
  }

  async function expectOk<T = Record<string, unknown>>(client: Client, tool: string, args: Record<string, unknown>): Promise<T> {
    const call = await callTool<T>(client, tool, args);
    assert.equal(call.isError, false, `${tool}: ${call.isError ? toolError(call.result).message : ''}`);
    return call.data;
  }

  /** An org with an owner, a second owner, an admin and an actor holding a custom role with the given permissions. */
  async function setup(actorPermissions: string[]) {
    const owner = await createUser(t);
    const org = await createOrg(t, owner, { seats: 50 });
    const ownerClient = await connect(owner, org.id);
    const secondOwner = await createUser(t);
    await addMember(t, org.slug, secondOwner, 'owner');
    const admin = await createUser(t);
    await addMember(t, org.slug, admin, 'admin');
    const plain = await createUser(t);
    await addMember(t, org.slug, plain, 'member');
    const role = await expectOk<{ key: string }>(ownerClient, 'create_role', { name: unique('Custom '), permissions: actorPermissions });
    const actor = await createUser(t);
    await addMember(t, org.slug, actor, role.key);
    return { org, owner, ownerClient, secondOwner, admin, plain, actorRole: role.key, actor: await connect(actor, org.id) };
  }

  async function roleOf(orgId: string, user: Account): Promise<string | undefined> {
    return (await prisma.membership.findFirst({ where: { orgId, userId: user.id } }))?.role;
  }

  before(async () => {
    t = await startTestApp();
    prisma = t.get(PrismaService);
  });
  after(async () => {
    await clients.closeAll();
    await t.close();
  });

  // Narrow people managers, and one that lacks only a single permission admins have.
  const actorFamilies: Record<string, string[]> = {
    'members:manage only': [...BUILT_IN_ROLES.member.permissions, 'members:manage', 'members:invite', 'roles:manage'],
    'everything but audit:read': ALL_PERMISSIONS.filter((p) => p !== 'audit:read'),
    'everything but org:manage': ALL_PERMISSIONS.filter((p) => p !== 'org:manage'),
  };

  for (const [label, permissions] of Object.entries(actorFamilies)) {
    it(`a custom role with ${label} cannot remove, demote or change an admin or an owner`, async () => {
      const s = await setup(permissions);
      for (const target of [s.admin, s.admin.email, s.admin.id] as const) {
        const member = typeof target === 'string' ? target : target.email;
        await expectRefused(s.actor, 'update_member_role', { member, role: 'member' });
        await expectRefused(s.actor, 'update_member_role', { member, role: s.actorRole });
        await expectRefused(s.actor, 'remove_member', { member });
      }
      for (const owner of [s.owner, s.secondOwner]) {
        await expectRefused(s.actor, 'update_member_role', { member: owner.email, role: 'member' }, 'owner_required');
        await expectRefused(s.actor, 'remove_member', { member: owner.email }, 'owner_required');
      }
      assert.equal(await roleOf(s.org.id, s.admin), 'admin');
      assert.equal(await roleOf(s.org.id, s.owner), 'owner');
      assert.equal(await roleOf(s.org.id, s.secondOwner), 'owner');

      // Nor hand out admin or owner, by role change or by invitation.
      await expectRefused(s.actor, 'update_member_role', { member: s.plain.email, role: 'admin' });
      await expectRefused(s.actor, 'update_member_role', { member: s.plain.email, role: 'owner' }, 'owner_required');
      await expectRefused(s.actor, 'invite_member', { email: `${unique('new')}@example.com`, role: 'admin' });
      await expectRefused(s.actor, 'invite_member', { email: `${unique('new')}@example.com`, role: 'owner' }, 'owner_required');
      assert.equal(await roleOf(s.org.id, s.plain), 'member');

      // Within its own permissions it still works: the rule is the hierarchy, not a blanket refusal.
      await expectOk(s.actor, 'update_member_role', { member: s.plain.email, role: s.actorRole });
      await expectOk(s.actor, 'update_member_role', { member: s.plain.email, role: 'member' });
      await expectOk(s.actor, 'remove_member', { member: s.plain.email });
      await expectOk(s.actor, 'invite_member', { email: `${unique('new')}@example.com`, role: 'member' });
    });
  }

  it('an admin cannot remove or demote an owner, but can manage another admin', async () => {
    const s = await setup(['members:read']);
    const adminClient = await connect(s.admin, s.org.id);
    await expectRefused(adminClient, 'remove_member', { member: s.owner.email }, 'owner_required');
    await expectRefused(adminClient, 'update_member_role', { member: s.secondOwner.email, role: 'admin' }, 'owner_required');
    const otherAdmin = await createUser(t);
    await addMember(t, s.org.slug, otherAdmin, 'admin');
    await expectOk(adminClient, 'update_member_role', { member: otherAdmin.email, role: 'member' });
    await expectOk(adminClient, 'remove_member', { member: otherAdmin.email });
  });

  it('a pending invitation for a higher role can be neither rewritten by re-inviting nor revoked', async () => {
    const s = await setup(actorFamilies['members:manage only']!);
    for (const role of ['admin', 'owner']) {
      const email = `${unique('pending')}@example.com`;
      const invited = await expectOk<{ invitation: { id: string } }>(s.ownerClient, 'invite_member', { email, role });
      const code = role === 'owner' ? 'owner_required' : 'role_exceeds_your_permissions';
      await expectRefused(s.actor, 'invite_member', { email, role: 'member' }, code);
      await expectRefused(s.actor, 'invite_member', { email: email.toUpperCase(), role: s.actorRole }, code);
      await expectRefused(s.actor, 'revoke_invitation', { invitationId: invited.invitation.id }, code);
      const row = await prisma.invitation.findUniqueOrThrow({ where: { id: invited.invitation.id } });
      assert.equal(row.role, role);
      assert.equal(row.status, 'pending');
    }
    // Its own level is fine.
    const email = `${unique('pending')}@example.com`;
    const invited = await expectOk<{ invitation: { id: string } }>(s.ownerClient, 'invite_member', { email, role: 'member' });
    await expectOk(s.actor, 'invite_member', { email, role: s.actorRole });
    await expectOk(s.actor, 'revoke_invitation', { invitationId: invited.invitation.id });
  });

  it('create_role and update_role cannot create or widen a role beyond the caller, nor change a role that allows more', async () => {
    const s = await setup(actorFamilies['members:manage only']!);
    for (const extra of ['org:manage', 'audit:read', 'providers:manage']) {
      await expectRefused(s.actor, 'create_role', { name: unique('Wider '), permissions: ['members:read', extra] });
      await expectRefused(s.actor, 'update_role', { role: s.actorRole, permissions: [...actorFamilies['members:manage only']!, extra] });
    }
    const auditor = await expectOk<{ key: string; id: string }>(s.ownerClient, 'create_role', { name: unique('Auditor '), permissions: ['audit:read', 'members:read'] });
    for (const change of [{ permissions: ['members:read'] }, { name: unique('Renamed ') }, { description: 'narrower' }]) {
      await expectRefused(s.actor, 'update_role', { role: auditor.key, ...change });
    }
    await expectRefused(s.actor, 'delete_role', { role: auditor.id });
    const stored = await prisma.role.findUniqueOrThrow({ where: { id: auditor.id } });
    assert.deepEqual(stored.permissions, ['members:read', 'audit:read']);
    assert.equal((await callTool(s.actor, 'list_roles', {})).isError, false);

    const narrow = await expectOk<{ key: string }>(s.actor, 'create_role', { name: unique('Narrow '), permissions: ['members:read'] });
    await expectOk(s.actor, 'update_role', { role: narrow.key, permissions: ['members:read', 'members:invite'] });
  });

  it('built-in admin and owner roles hold every permission, so an owner and an admin pass every check', async () => {
    assert.deepEqual([...BUILT_IN_ROLES.admin.permissions].sort(), [...ALL_PERMISSIONS].sort());
    const s = await setup(['members:read']);
    await expectOk(s.ownerClient, 'update_member_role', { member: s.admin.email, role: 'member' });
    await expectOk(s.ownerClient, 'update_member_role', { member: s.secondOwner.email, role: 'admin' });
  });
});
