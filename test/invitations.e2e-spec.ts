import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { PrismaService } from '@app/shared';
import { addMember, createOrg, createUser } from './support/fixtures.js';
import { fails, ok, openedClients } from './support/mcp.js';
import { invitationLinkTo, TestSmtpServer } from './support/smtp.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// Pending invitations change in place: the link the invitee holds keeps working, nothing is rotated,
// and the role rules (nobody hands out what they lack, owners change owner invitations) hold here too.
describe('invitations: update_invitation, re-inviting, and hints that fit the caller', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let prisma: PrismaService;
  const clients = openedClients(() => t);
  const connect = clients.connect;

  async function setup(options: { seats?: number; allowedDomains?: string[] } = {}) {
    const owner = await createUser(t, { name: 'Olivia Owner' });
    const org = await createOrg(t, owner, { seats: options.seats ?? 20, allowedDomains: options.allowedDomains });
    const admin = await createUser(t, { name: 'Adam Admin' });
    await addMember(t, org.slug, admin, 'admin');
    return { owner, org, client: await connect(owner, org.id), adminClient: await connect(admin, org.id) };
  }

  /** A member of the org with a custom role holding exactly these permissions, and their client. */
  async function withCustomRole(ownerClient: Client, org: { id: string; slug: string }, name: string, permissions: string[]) {
    const role = await ok(ownerClient, 'create_role', { name, permissions });
    const user = await createUser(t, { name: `${name} Person` });
    await addMember(t, org.slug, user, role.key);
    return connect(user, org.id);
  }

  const row = (orgId: string, email: string) => prisma.invitation.findFirstOrThrow({ where: { orgId, email } });

  /** Mails to `email` about this organization, once the sender has had time to deliver any. */
  async function mailsSettled(email: string, org: { name: string }): Promise<number> {
    await new Promise((r) => setTimeout(r, 1_200));
    return smtp.to(email).filter((m) => m.subject.includes(org.name)).length;
  }

  before(async () => {
    smtp = await TestSmtpServer.start();
    // Its own database on PostgreSQL: no other suite's sender takes these messages.
    t = await startTestApp({ ownDatabase: true, env: { SMTP_URL: smtp.url } });
    prisma = t.get(PrismaService);
  });
  after(async () => {
    await clients.closeAll();
    await t?.close();
    await smtp?.stop();
  });

  it('re-inviting a pending address: an omitted role keeps it, teams are added, nothing is rotated', async () => {
    const { client, org } = await setup();
    const sales = await ok(client, 'create_team', { name: 'Sales' });
    const support = await ok(client, 'create_team', { name: 'Support' });
    const first = await ok(client, 'invite_member', { email: 'priya@example.com', role: 'admin', teams: ['Support'] });
    const link = await invitationLinkTo(smtp, t, 'priya@example.com', { org: org.name });
    const before = await row(org.id, 'priya@example.com');

    // What the issue found: following the old hint downgraded the admin invitation and rotated its link.
    const again = await ok(client, 'invite_member', { email: 'Priya@Example.com', teams: ['sales'] });
    assert.equal(again.refreshed, true);
    assert.equal(again.delivery.to, 'priya@example.com', 'the delivery of the mail already sent');
    assert.ok(['sending', 'sent'].includes(again.delivery.status), again.delivery.status);
    assert.doesNotMatch(JSON.stringify(again), /\/invitations\//);
    assert.equal(again.invitation.id, first.invitation.id);
    assert.equal(again.invitation.role, 'admin');
    assert.deepEqual(again.invitation.teamIds, [support.id, sales.id]);
    const after = await row(org.id, 'priya@example.com');
    assert.equal(after.tokenHash, before.tokenHash);
    assert.equal(after.expiresAt.getTime(), before.expiresAt.getTime());
    assert.equal((await fetch(link)).status, 200, 'the link the invitee holds still works');

    // A given role replaces it; replaceTeams replaces the teams.
    const replaced = await ok(client, 'invite_member', { email: 'priya@example.com', role: 'member', teams: ['Sales'], replaceTeams: true });
    assert.equal(replaced.invitation.role, 'member');
    assert.deepEqual(replaced.invitation.teamIds, [sales.id]);
    assert.equal((await row(org.id, 'priya@example.com')).tokenHash, before.tokenHash);
    assert.equal(await prisma.invitation.count({ where: { orgId: org.id } }), 1);
    assert.equal(await mailsSettled('priya@example.com', org), 1, 're-inviting sends nothing');
    assert.equal((await row(org.id, 'priya@example.com')).outboxMessageId, before.outboxMessageId);
    const actions = await prisma.auditEvent.findMany({ where: { orgId: org.id, targetType: 'invitation' }, orderBy: { id: 'asc' } });
    assert.deepEqual(actions.map((a) => a.action), ['invitation.created', 'invitation.updated', 'invitation.updated']);
    assert.deepEqual((actions[1]!.details as { before: { role: string } }).before.role, 'admin');

    // An expired invitation has no working link any more: inviting again makes a new one.
    await prisma.invitation.update({ where: { id: first.invitation.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const renewed = await ok(client, 'invite_member', { email: 'priya@example.com' });
    assert.deepEqual(renewed.delivery, { status: 'queued', to: 'priya@example.com' });
    assert.notEqual((await row(org.id, 'priya@example.com')).tokenHash, before.tokenHash);
    const renewedLink = await invitationLinkTo(smtp, t, 'priya@example.com', { org: org.name, count: 2 });
    assert.notEqual(renewedLink, link);
    assert.equal((await fetch(renewedLink)).status, 200);
    assert.equal((await fetch(link)).status, 404, 'the expired link is gone');
  });

  it('update_invitation by email or id: role and teams change, the link and expiry do not', async () => {
    const { client, org } = await setup();
    const sales = await ok(client, 'create_team', { name: 'Sales' });
    const support = await ok(client, 'create_team', { name: 'Support' });
    const invited = await ok(client, 'invite_member', { email: 'omar@example.com', teams: ['Support'] });
    const link = await invitationLinkTo(smtp, t, 'omar@example.com', { org: org.name });
    const before = await row(org.id, 'omar@example.com');

    const updated = await ok(client, 'update_invitation', { invitation: 'OMAR@example.com', role: 'Admin', addTeams: ['sales'], removeTeams: ['SUPPORT'] });
    assert.equal(updated.changed, true);
    assert.equal(updated.invitation.role, 'admin');
    assert.deepEqual(updated.invitation.teamIds, [sales.id]);
    const after = await row(org.id, 'omar@example.com');
    assert.equal(after.tokenHash, before.tokenHash);
    assert.equal(after.expiresAt.getTime(), before.expiresAt.getTime());
    assert.equal((await fetch(link)).status, 200);
    assert.equal(await mailsSettled('omar@example.com', org), 1, 'update_invitation sends nothing');

    const byId = await ok(client, 'update_invitation', { invitation: invited.invitation.id, addTeams: [support.id] });
    assert.deepEqual(byId.invitation.teamIds, [sales.id, support.id]);
    const audits = await prisma.auditEvent.count({ where: { orgId: org.id } });
    const same = await ok(client, 'update_invitation', { invitation: 'omar@example.com', role: 'admin', addTeams: ['Sales'] });
    assert.equal(same.changed, false);
    assert.equal(await prisma.auditEvent.count({ where: { orgId: org.id } }), audits, 'no change, no audit event');

    assert.equal((await fails(client, 'update_invitation', { invitation: 'omar@example.com', addTeams: ['Nope'] })).code, 'not_found');
    assert.equal((await fails(client, 'update_invitation', { invitation: 'omar@example.com', role: 'wizard' })).code, 'not_found');
    assert.deepEqual((await row(org.id, 'omar@example.com')).teamIds, [sales.id, support.id]);

    await ok(client, 'revoke_invitation', { invitation: 'omar@example.com' });
    const gone = await fails(client, 'update_invitation', { invitation: invited.invitation.id, role: 'member' });
    assert.equal(gone.code, 'invitation_not_pending');
    assert.equal((await fails(client, 'update_invitation', { invitation: 'omar@example.com', role: 'member' })).code, 'not_found');
  });

  it('update_invitation follows the role hierarchy: nobody hands out what they lack', async () => {
    const { client, adminClient, org } = await setup();
    await ok(client, 'invite_member', { email: 'boss@example.com', role: 'owner' });
    await ok(client, 'invite_member', { email: 'dev@example.com' });

    const toOwner = await fails(adminClient, 'update_invitation', { invitation: 'dev@example.com', role: 'owner' });
    assert.equal(toOwner.code, 'owner_required');
    const ownerInvite = await fails(adminClient, 'update_invitation', { invitation: 'boss@example.com', role: 'member' });
    assert.equal(ownerInvite.code, 'owner_required');
    assert.equal((await fails(adminClient, 'invite_member', { email: 'boss@example.com', role: 'member' })).code, 'owner_required');

    // A custom role that may invite (and holds what a member holds) but not manage teams cannot hand out a
    // role that manages them.
    const roles = await ok(client, 'list_roles', {});
    const memberPermissions: string[] = roles.items.find((r: { key: string }) => r.key === 'member').permissions;
    const inviter = await withCustomRole(client, org, 'Recruiter', [...memberPermissions, 'members:invite']);
    await ok(client, 'create_role', { name: 'Team Lead', permissions: ['org:read', 'teams:read', 'teams:manage'] });
    const escalation = await fails(inviter, 'update_invitation', { invitation: 'dev@example.com', role: 'Team Lead' });
    assert.equal(escalation.code, 'role_exceeds_your_permissions');
    assert.deepEqual(escalation.details.missingPermissions, ['teams:manage']);
    // Nor change an invitation whose role is wider than theirs (the rule for changing a member's role).
    await ok(client, 'invite_member', { email: 'lead@example.com', role: 'team-lead' });
    assert.equal((await fails(inviter, 'update_invitation', { invitation: 'lead@example.com', role: 'member' })).code, 'role_exceeds_your_permissions');
    assert.equal((await row(org.id, 'lead@example.com')).role, 'team-lead');
    assert.equal((await fails(inviter, 'invite_member', { email: 'dev@example.com', role: 'team-lead' })).code, 'role_exceeds_your_permissions');
    assert.equal((await row(org.id, 'dev@example.com')).role, 'member');
    assert.equal((await row(org.id, 'boss@example.com')).role, 'owner');
    assert.equal((await ok(inviter, 'update_invitation', { invitation: 'dev@example.com', role: 'Recruiter' })).invitation.role, 'recruiter');

    // Without members:invite there is no update_invitation at all.
    const reader = await withCustomRole(client, org, 'Reader', ['org:read', 'members:read']);
    assert.equal((await fails(reader, 'update_invitation', { invitation: 'dev@example.com', role: 'member' })).code, 'permission_denied');
  });

  it('member_pending_invitation names the exact call that works, for whoever may make it', async () => {
    const { client, org } = await setup();
    const sales = await ok(client, 'create_team', { name: 'Sales' });
    const invited = await ok(client, 'invite_member', { email: 'priya@example.com', role: 'admin' });
    const link = await invitationLinkTo(smtp, t, 'priya@example.com', { org: org.name });

    const pending = await fails(client, 'add_team_member', { team: 'Sales', member: 'priya@example.com' });
    assert.equal(pending.code, 'member_pending_invitation');
    assert.equal(pending.details.invitationId, invited.invitation.id);
    const call = /update_invitation with (\{.*?\})/.exec(pending.hint ?? '');
    assert.ok(call, pending.hint ?? '');
    assert.doesNotMatch(pending.hint ?? '', /ask/i);
    // Following the hint literally does what the user wanted, and keeps the admin role and the link.
    const followed = await ok(client, 'update_invitation', JSON.parse(call[1]!));
    assert.deepEqual(followed.invitation.teamIds, [sales.id]);
    assert.equal(followed.invitation.role, 'admin');
    assert.equal((await fetch(link)).status, 200);
    const again = await fails(client, 'add_team_member', { team: 'sales', member: 'priya@example.com' });
    assert.match(again.hint ?? '', /already includes "Sales"/);

    // Member tools on someone only invited point at their invitation instead of a bare not_found.
    for (const [tool, args] of [
      ['update_member_role', { member: 'priya@example.com', role: 'member' }],
      ['remove_member', { member: invited.invitation.id }],
      ['remove_team_member', { team: 'Sales', member: 'priya@example.com' }],
    ] as const) {
      const notJoined = await fails(client, tool, args);
      assert.equal(notJoined.code, 'not_found', tool);
      assert.equal(notJoined.details.invitationId, invited.invitation.id, tool);
      assert.match(notJoined.hint ?? '', /update_invitation \{"invitation": "priya@example.com"\}/, tool);
    }
    assert.equal((await row(org.id, 'priya@example.com')).status, 'pending');

    // Someone who manages teams but cannot invite is pointed at who can.
    const teamLead = await withCustomRole(client, org, 'Team Lead', ['org:read', 'members:read', 'teams:read', 'teams:manage']);
    await ok(client, 'create_team', { name: 'Support' });
    const lead = await fails(teamLead, 'add_team_member', { team: 'Support', member: 'priya@example.com' });
    assert.equal(lead.code, 'member_pending_invitation');
    assert.match(lead.hint ?? '', /ask someone who can invite people \(members:invite\) to call update_invitation/);
  });

  it("refusal hints fit the caller's role: owners are never told to ask an owner", async () => {
    const { client, adminClient, org } = await setup({ seats: 3, allowedDomains: ['acme.test'] });
    const ownerDomain = await fails(client, 'invite_member', { email: 'omar@example.com' });
    assert.equal(ownerDomain.code, 'email_domain_not_allowed');
    assert.match(ownerDomain.hint ?? '', /call update_allowed_email_domains with \{"add": \["example.com"\]\}/);
    assert.doesNotMatch(ownerDomain.hint ?? '', /ask an owner/i);
    const inviter = await withCustomRole(client, org, 'Recruiter', ['org:read', 'members:read', 'members:invite']);
    const inviterDomain = await fails(inviter, 'invite_member', { email: 'omar@example.com' });
    assert.match(inviterDomain.hint ?? '', /ask an owner or admin to call update_allowed_email_domains/);

    // Owner, admin and the recruiter hold three seats; with a limit of four, one invitation fills them.
    await prisma.organization.update({ where: { id: org.id }, data: { seatLimit: 4 } });
    await ok(client, 'invite_member', { email: 'one@acme.test' });
    const ownerSeats = await fails(client, 'invite_member', { email: 'two@acme.test' });
    assert.equal(ownerSeats.code, 'seat_limit_reached');
    assert.match(ownerSeats.hint ?? '', /or buy more seats at/);
    assert.doesNotMatch(ownerSeats.hint ?? '', /have an owner/);
    const adminSeats = await fails(adminClient, 'invite_member', { email: 'two@acme.test' });
    assert.match(adminSeats.hint ?? '', /have an owner buy more seats/);
  });
});
