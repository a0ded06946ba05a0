import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PrismaService } from '@app/shared';
import { addMember, connectionsTo, createUser, orgAuditActions } from './support/fixtures.js';
import { callTool, rawMcp, toolError } from './support/mcp.js';
import { invitationLinkTo, TestSmtpServer } from './support/smtp.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { mintAccess } from './support/tokens.js';

const MEMBERS_TOOLS = [
  'get_organization',
  'update_organization',
  'update_allowed_email_domains',
  'list_members',
  'get_member',
  'update_member_role',
  'remove_member',
  'invite_member',
  'list_invitations',
  'resend_invitation',
  'revoke_invitation',
  'list_roles',
  'create_role',
  'update_role',
  'delete_role',
];

describe('members: organization, members, invitations and roles', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let prisma: PrismaService;
  const { connect, setup, close } = connectionsTo(() => t);
  const auditActions = (org: { id: string }) => orgAuditActions(t, org.id);

  before(async () => {
    smtp = await TestSmtpServer.start();
    // Its own database on PostgreSQL: no other suite's sender takes the invitation mail.
    t = await startTestApp({ ownDatabase: true, env: { SMTP_URL: smtp.url } });
    prisma = t.get(PrismaService);
  });
  after(async () => {
    await close();
    await t?.close();
    await smtp?.stop();
  });

  it('lists every members tool with an agent description, described inputs, an output schema and complete annotations', async () => {
    const { client } = await setup();
    const { tools } = await client.listTools();
    for (const name of MEMBERS_TOOLS) {
      const tool = tools.find((candidate) => candidate.name === name);
      assert.ok(tool, `${name} is listed`);
      assert.ok((tool.description ?? '').length > 40, `${name} has a description`);
      assert.ok(tool.outputSchema, `${name} has an output schema`);
      for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const) {
        assert.equal(typeof tool.annotations?.[hint], 'boolean', `${name} ${hint}`);
      }
      const properties = (tool.inputSchema.properties ?? {}) as Record<string, { description?: string }>;
      for (const [field, schema] of Object.entries(properties)) {
        assert.ok(schema.description, `${name}.${field} is described`);
      }
    }
  });

  it('keeps mutating tools away from a read-only token: absent from tools/list, HTTP 403 insufficient_scope when called', async () => {
    const { owner, org } = await setup();
    const reader = await connect(owner, org.id, 'mcp:read');
    const names = (await reader.listTools()).tools.map((tool) => tool.name);
    assert.ok(names.includes('list_members') && names.includes('get_organization'));
    for (const name of MEMBERS_TOOLS.filter((n) => !n.startsWith('list_') && !n.startsWith('get_'))) {
      assert.ok(!names.includes(name), `${name} hidden from a read-only token`);
    }
    const { token } = await mintAccess(t, owner, org.id, 'mcp:read');
    const mutating: [string, Record<string, unknown>][] = [
      ['update_organization', { name: 'Renamed' }],
      ['update_allowed_email_domains', { add: ['example.com'] }],
      ['update_member_role', { member: owner.email, role: 'admin' }],
      ['remove_member', { member: owner.email }],
      ['invite_member', { email: 'x@example.com' }],
      ['revoke_invitation', { invitationId: 'x' }],
      ['create_role', { name: 'R', permissions: [] }],
      ['update_role', { role: 'r', name: 'S' }],
      ['delete_role', { role: 'r' }],
    ];
    for (const [name, args] of mutating) {
      const response = await rawMcp(
        t.url,
        { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } },
        { authorization: `Bearer ${token}` },
      );
      assert.equal(response.status, 403, name);
      assert.match(response.headers.get('www-authenticate') ?? '', /insufficient_scope/, name);
      assert.match(response.headers.get('www-authenticate') ?? '', /mcp:write/, name);
    }
    assert.equal(await prisma.invitation.count({ where: { orgId: org.id } }), 0);
    assert.deepEqual(await auditActions(org), []);
  });

  it('shows and updates the organization, with audit entries', async () => {
    const { client, org } = await setup({ seats: 7 });
    const { data } = await callTool<Record<string, unknown>>(client, 'get_organization');
    assert.equal(data.id, org.id);
    assert.equal(data.plan, 'free');
    assert.equal(data.seatLimit, 7);
    assert.equal(data.seatsUsed, 1);
    assert.equal(data.seatsAvailable, 6);
    assert.equal(data.billingUrl, `${t.url}/billing`);
    assert.deepEqual(data.allowedEmailDomains, []);

    const renamed = await callTool<{ name: string }>(client, 'update_organization', { name: '  Acme   Rockets ' });
    assert.equal(renamed.data.name, 'Acme Rockets');
    const domains = await callTool<{ allowedEmailDomains: string[] }>(client, 'update_allowed_email_domains', { add: ['Acme.test', '@example.com'] });
    assert.deepEqual(domains.data.allowedEmailDomains, ['acme.test', 'example.com']);
    const removed = await callTool<{ allowedEmailDomains: string[] }>(client, 'update_allowed_email_domains', { remove: ['acme.test'] });
    assert.deepEqual(removed.data.allowedEmailDomains, ['example.com']);
    const bad = await callTool(client, 'update_allowed_email_domains', { add: ['not a domain'] });
    assert.equal(bad.isError, true);
    assert.equal(toolError(bad.result).code, 'invalid_input');

    assert.deepEqual(await auditActions(org), ['organization.updated', 'organization.allowed_email_domains_updated', 'organization.allowed_email_domains_updated']);
    const event = await prisma.auditEvent.findFirst({ where: { orgId: org.id, action: 'organization.updated' } });
    assert.equal(event?.actorUserId, (await prisma.membership.findFirst({ where: { orgId: org.id } }))?.userId);
    assert.ok(event?.clientId);
  });

  it('"Add omar@example.com to my organization": the domain fix, then the invitation, then the seat-limit refusal', async () => {
    const { client, org } = await setup({ seats: 2, allowedDomains: ['acme.test'] });

    const refused = await callTool(client, 'invite_member', { email: 'omar@example.com' });
    assert.equal(refused.isError, true);
    const domainError = toolError(refused.result);
    assert.equal(domainError.code, 'email_domain_not_allowed');
    assert.deepEqual(domainError.details, { domain: 'example.com', allowedDomains: ['acme.test'] });
    assert.match(domainError.hint ?? '', /update_allowed_email_domains/);

    await callTool(client, 'update_allowed_email_domains', { add: ['example.com'] });
    const invited = await callTool<{ invitation: { id: string; email: string; role: string; status: string }; delivery: { status: string; to: string }; refreshed: boolean }>(
      client,
      'invite_member',
      { email: 'Omar@Example.com' },
    );
    assert.equal(invited.isError, false, JSON.stringify(invited.result));
    assert.equal(invited.data.invitation.email, 'omar@example.com');
    assert.equal(invited.data.invitation.role, 'member');
    assert.equal(invited.data.invitation.status, 'pending');
    assert.deepEqual(invited.data.delivery, { status: 'queued', to: 'omar@example.com' });
    assert.equal(invited.data.refreshed, false);
    // The link goes to Omar's mailbox, never to the inviter.
    assert.doesNotMatch(JSON.stringify(invited.result), /\/invitations\//);
    const link = await invitationLinkTo(smtp, t, 'omar@example.com', { org: org.name });
    assert.match(link, new RegExp(`^${t.url}/invitations/[A-Za-z0-9_-]{43}$`));

    // Re-inviting updates the same invitation; its link keeps working and is not shown again.
    const again = await callTool<{ invitation: { id: string; role: string }; delivery: { to: string } | null; refreshed: boolean }>(client, 'invite_member', { email: 'omar@example.com', role: 'admin' });
    assert.equal(again.data.refreshed, true);
    assert.equal(again.data.invitation.id, invited.data.invitation.id);
    assert.equal(again.data.invitation.role, 'admin');
    assert.equal(again.data.delivery?.to, 'omar@example.com');
    assert.doesNotMatch(JSON.stringify(again.result), /\/invitations\//);
    assert.equal((await fetch(link)).status, 200);
    assert.equal(await prisma.invitation.count({ where: { orgId: org.id } }), 1);

    // Owner + Omar's pending invitation use both seats.
    const full = await callTool(client, 'invite_member', { email: 'zoe@example.com' });
    assert.equal(full.isError, true);
    const seatError = toolError(full.result);
    assert.equal(seatError.code, 'seat_limit_reached');
    assert.equal(seatError.details.plan, 'free');
    assert.equal(seatError.details.seatLimit, 2);
    assert.equal(seatError.details.seatsUsed, 2);
    assert.equal(seatError.details.billingUrl, `${t.url}/billing`);
    assert.match(String(seatError.details.billingRule), /Every active member and every pending/);
    assert.match(seatError.hint ?? '', /revoke_invitation/);

    // Revoking frees the seat.
    const revoked = await callTool<{ status: string }>(client, 'revoke_invitation', { invitationId: invited.data.invitation.id });
    assert.equal(revoked.data.status, 'revoked');
    assert.equal((await fetch(link)).status, 410);
    const twice = await callTool(client, 'revoke_invitation', { invitationId: invited.data.invitation.id });
    assert.equal(toolError(twice.result).code, 'invitation_not_pending');
    const zoe = await callTool(client, 'invite_member', { email: 'zoe@example.com' });
    assert.equal(zoe.isError, false);

    const listed = await callTool<{ items: { email: string; status: string }[] }>(client, 'list_invitations', { status: 'pending' });
    assert.deepEqual(listed.data.items.map((i) => i.email), ['zoe@example.com']);
    const all = await callTool<{ items: { email: string; status: string }[] }>(client, 'list_invitations', {});
    assert.deepEqual(all.data.items.map((i) => `${i.email}:${i.status}`), ['omar@example.com:revoked', 'zoe@example.com:pending']);

    assert.deepEqual(await auditActions(org), [
      'organization.allowed_email_domains_updated',
      'invitation.created',
      'invitation.updated',
      'invitation.revoked',
      'invitation.created',
    ]);
  });

  it('refuses inviting an existing member, unknown roles and teams, and lets only owners invite owners', async () => {
    const { client, org, owner } = await setup();
    const admin = await createUser(t);
    await addMember(t, org.slug, admin, 'admin');
    const adminClient = await connect(admin, org.id);

    const existing = await callTool(client, 'invite_member', { email: admin.email });
    assert.equal(toolError(existing.result).code, 'already_member');
    const unknownRole = await callTool(client, 'invite_member', { email: 'a@example.com', role: 'wizard' });
    assert.equal(toolError(unknownRole.result).code, 'not_found');
    assert.equal(toolError(unknownRole.result).details.listTool, 'list_roles');
    const unknownTeam = await callTool(client, 'invite_member', { email: 'a@example.com', teams: ['Nope'] });
    assert.equal(toolError(unknownTeam.result).code, 'not_found');

    const ownerByAdmin = await callTool(adminClient, 'invite_member', { email: 'boss@example.com', role: 'owner' });
    assert.equal(toolError(ownerByAdmin.result).code, 'owner_required');
    const ownerByOwner = await callTool(client, 'invite_member', { email: 'boss@example.com', role: 'owner' });
    assert.equal(ownerByOwner.isError, false);
    const revokeOwnerInvite = await callTool(adminClient, 'revoke_invitation', { invitationId: (ownerByOwner.data as { invitation: { id: string } }).invitation.id });
    assert.equal(toolError(revokeOwnerInvite.result).code, 'owner_required');
    assert.ok(owner);
  });

  it('does not let a member invite, manage roles or members', async () => {
    const { org, client: ownerClient } = await setup();
    const member = await createUser(t);
    await addMember(t, org.slug, member, 'member');
    const client = await connect(member, org.id);
    for (const [tool, args] of [
      ['invite_member', { email: 'x@example.com' }],
      ['create_role', { name: 'X', permissions: [] }],
      ['update_member_role', { member: member.email, role: 'admin' }],
      ['update_allowed_email_domains', { add: ['x.com'] }],
    ] as const) {
      const result = await callTool(client, tool, args);
      assert.equal(result.isError, true, tool);
      assert.equal(toolError(result.result).code, 'permission_denied', tool);
      assert.equal(toolError(result.result).details.role, 'member');
    }
    const read = await callTool<{ items: unknown[] }>(client, 'list_members', {});
    assert.equal(read.data.items.length, 2);
    assert.ok(ownerClient);
    assert.deepEqual(await auditActions(org), []);
  });

  it('never exceeds the seat limit under 10 concurrent invitations (3 free seats -> exactly 3 succeed)', async () => {
    const { org, owner } = await setup({ seats: 4 });
    const clientsForRace = await Promise.all(Array.from({ length: 10 }, () => connect(owner, org.id)));
    const results = await Promise.all(clientsForRace.map((c, i) => callTool(c, 'invite_member', { email: `racer${i}@example.com` })));
    const ok = results.filter((r) => !r.isError);
    const refused = results.filter((r) => r.isError);
    assert.equal(ok.length, 3, JSON.stringify(refused.map((r) => toolError(r.result).code)));
    assert.ok(refused.every((r) => toolError(r.result).code === 'seat_limit_reached'));
    assert.equal(await prisma.invitation.count({ where: { orgId: org.id, status: 'pending' } }), 3);
    const { data } = await callTool<{ seatsUsed: number; seatsAvailable: number }>(clientsForRace[0]!, 'get_organization');
    assert.equal(data.seatsUsed, 4);
    assert.equal(data.seatsAvailable, 0);
  });

  it('lists members with keyset pages and filters, and gets one by membership id, user id or email', async () => {
    const { client, org, owner } = await setup();
    const people = [];
    for (const name of ['Priya Patel', 'Sam Stone', 'Ravi Rao']) {
      const user = await createUser(t, { name });
      await addMember(t, org.slug, user);
      people.push(user);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page: { data: { items: { email: string }[]; nextCursor: string | null } } = await callTool(client, 'list_members', { limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.data.items.map((m) => m.email));
      cursor = page.data.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    assert.equal(pages, 2);
    assert.deepEqual(seen, [owner.email, ...people.map((p) => p.email)]);

    const priya = await callTool<{ items: { id: string; name: string; userId: string }[] }>(client, 'list_members', { query: 'PRIYA' });
    assert.deepEqual(priya.data.items.map((m) => m.name), ['Priya Patel']);
    const owners = await callTool<{ items: { email: string }[] }>(client, 'list_members', { role: 'owner' });
    assert.deepEqual(owners.data.items.map((m) => m.email), [owner.email]);

    // Wildcards in the text are literal: a text no name or email contains finds nobody.
    for (const text of ['%', '%%', '\\', 'PRI%', 'P_IYA', '%@%']) {
      const found = await callTool<{ items: { email: string; name: string }[] }>(client, 'list_members', { query: text });
      assert.deepEqual(found.data.items, [], text);
    }
    const firstPage = await callTool<{ items: { email: string }[]; nextCursor: string | null }>(client, 'list_members', { role: 'member', query: 'example', limit: 1 });
    assert.equal(firstPage.data.items.length, 1);
    const rest = await callTool<{ items: { email: string }[] }>(client, 'list_members', { role: 'member', query: 'example', limit: 10, cursor: firstPage.data.nextCursor! });
    assert.deepEqual([...firstPage.data.items, ...rest.data.items].map((m) => m.email), people.map((p) => p.email));

    const member = priya.data.items[0]!;
    const listed = await callTool<{ items: Record<string, unknown>[] }>(client, 'list_members', { query: 'priya' });
    const fetched = await callTool<Record<string, unknown>>(client, 'get_member', { member: member.id });
    assert.deepEqual(listed.data.items[0], fetched.data, 'a listed member reads exactly as get_member shows it');
    for (const reference of [member.id, member.userId, people[0]!.email.toUpperCase()]) {
      const got = await callTool<{ id: string; role: string }>(client, 'get_member', { member: reference });
      assert.equal(got.data.id, member.id, reference);
      assert.equal(got.data.role, 'member');
    }
    const badCursor = await callTool(client, 'list_members', { cursor: 'garbage' });
    assert.equal(toolError(badCursor.result).code, 'invalid_input');
    const tooBig = await callTool(client, 'list_members', { limit: 201 });
    assert.equal(toolError(tooBig.result).code, 'invalid_input');
  });

  it("changes roles and removes members, effective at the affected member's next request; protects the last owner", async () => {
    const { client, org, owner } = await setup();
    const alex = await createUser(t, { name: 'Alex' });
    await addMember(t, org.slug, alex, 'member');
    const alexClient = await connect(alex, org.id);
    const before = await callTool<{ role: string; permissions: string[] }>(alexClient, 'get_current_identity');
    assert.equal(before.data.role, 'member');
    assert.equal(toolError((await callTool(alexClient, 'create_team', { name: 'Ops' })).result).code, 'permission_denied');

    const promoted = await callTool<{ role: string; previousRole: string }>(client, 'update_member_role', { member: alex.email, role: 'admin' });
    assert.equal(promoted.data.role, 'admin');
    assert.equal(promoted.data.previousRole, 'member');
    const after = await callTool<{ role: string; permissions: string[] }>(alexClient, 'get_current_identity');
    assert.equal(after.data.role, 'admin');
    assert.ok(after.data.permissions.includes('members:manage'));
    assert.equal((await callTool(alexClient, 'create_team', { name: 'Ops' })).isError, false);

    // An admin cannot make owners nor touch the owner.
    assert.equal(toolError((await callTool(alexClient, 'update_member_role', { member: alex.email, role: 'owner' })).result).code, 'owner_required');
    assert.equal(toolError((await callTool(alexClient, 'remove_member', { member: owner.email })).result).code, 'owner_required');
    assert.equal(toolError((await callTool(alexClient, 'update_member_role', { member: owner.email, role: 'member' })).result).code, 'owner_required');

    // The last owner can neither be demoted nor removed, even by themselves.
    const demote = await callTool(client, 'update_member_role', { member: owner.email, role: 'admin' });
    assert.equal(toolError(demote.result).code, 'last_owner');
    const removeSelf = await callTool(client, 'remove_member', { member: owner.id });
    assert.equal(toolError(removeSelf.result).code, 'last_owner');

    const removed = await callTool<{ removed: { email: string }; grantsRevoked: number }>(client, 'remove_member', { member: alex.email });
    assert.equal(removed.data.removed.email, alex.email);
    assert.equal(removed.data.grantsRevoked, 1);
    const grant = await prisma.grant.findFirst({ where: { orgId: org.id, userId: alex.id } });
    assert.ok(grant?.revokedAt);
    assert.equal(grant?.revokedReason, 'membership_removed');
    await assert.rejects(() => alexClient.callTool({ name: 'get_current_identity', arguments: {} }), /401|nauthorized|invalid_token/);
    assert.equal(toolError((await callTool(client, 'get_member', { member: alex.email })).result).code, 'not_found');

    assert.deepEqual(await auditActions(org), ['member.role_changed', 'team.created', 'member.removed']);
  });

  it('keeps at least one owner when two owners demote each other at the same time', async () => {
    const { client, org, owner } = await setup();
    const second = await createUser(t);
    await addMember(t, org.slug, second, 'owner');
    const secondClient = await connect(second, org.id);
    const [a, b] = await Promise.all([
      callTool(client, 'update_member_role', { member: second.email, role: 'admin' }),
      callTool(secondClient, 'update_member_role', { member: owner.email, role: 'admin' }),
    ]);
    const outcomes = [a, b].map((r) => (r.isError ? toolError(r.result).code : 'ok')).sort();
    // The loser either finds itself the last owner, or has already lost the owner role (and with it the right).
    assert.equal(outcomes.filter((o) => o === 'ok').length, 1, JSON.stringify(outcomes));
    assert.ok(outcomes.some((o) => o === 'last_owner' || o === 'owner_required'), JSON.stringify(outcomes));
    assert.equal(await prisma.membership.count({ where: { orgId: org.id, role: 'owner' } }), 1);
  });

  it('manages custom roles over the fixed permission list; refuses deleting a role in use', async () => {
    const { client, org } = await setup();
    const roles = await callTool<{ items: { key: string; builtIn: boolean; memberCount: number }[] }>(client, 'list_roles', {});
    assert.deepEqual(roles.data.items.map((r) => r.key), ['owner', 'admin', 'member']);
    assert.equal(roles.data.items[0]!.memberCount, 1);

    const created = await callTool<{ id: string; key: string; permissions: string[]; builtIn: boolean }>(client, 'create_role', {
      name: 'Sales Lead',
      description: 'Runs the sales team',
      permissions: ['teams:manage', 'org:read', 'teams:read', 'members:read'],
    });
    assert.equal(created.isError, false, JSON.stringify(created.result));
    assert.equal(created.data.key, 'sales-lead');
    assert.equal(created.data.builtIn, false);
    assert.deepEqual(created.data.permissions, ['org:read', 'members:read', 'teams:read', 'teams:manage']);

    const duplicate = await callTool(client, 'create_role', { name: 'sales lead', permissions: [] });
    assert.equal(toolError(duplicate.result).code, 'already_exists');
    assert.equal(toolError(duplicate.result).details.existingId, created.data.id);
    const builtInClash = await callTool(client, 'create_role', { name: 'Admin', permissions: [] });
    assert.equal(toolError(builtInClash.result).details.existingId, 'admin');
    const unknownPermission = await callTool(client, 'create_role', { name: 'Bad', permissions: ['everything'] });
    assert.equal(toolError(unknownPermission.result).code, 'invalid_input');
    assert.equal(toolError((await callTool(client, 'update_role', { role: 'admin', name: 'Boss' })).result).code, 'built_in_role');
    assert.equal(toolError((await callTool(client, 'delete_role', { role: 'member' })).result).code, 'built_in_role');

    const lead = await createUser(t, { name: 'Lee Lead' });
    await addMember(t, org.slug, lead);
    const leadClient = await connect(lead, org.id);
    await callTool(client, 'update_member_role', { member: lead.email, role: 'sales-lead' });
    const identity = await callTool<{ role: string; permissions: string[] }>(leadClient, 'get_current_identity');
    assert.equal(identity.data.role, 'sales-lead');
    assert.deepEqual(identity.data.permissions, ['members:read', 'org:read', 'teams:manage', 'teams:read']);
    assert.equal((await callTool(leadClient, 'create_team', { name: 'Sales' })).isError, false);

    // A custom role cannot hand out more than it holds.
    const escalation = await callTool(leadClient, 'update_member_role', { member: lead.email, role: 'admin' });
    assert.equal(toolError(escalation.result).code, 'permission_denied');

    const updated = await callTool<{ name: string; permissions: string[] }>(client, 'update_role', { role: created.data.id, name: 'Sales Manager', permissions: ['org:read', 'teams:read'] });
    assert.equal(updated.data.name, 'Sales Manager');
    assert.equal(toolError((await callTool(leadClient, 'create_team', { name: 'Sales 2' })).result).code, 'permission_denied');

    const inUse = await callTool(client, 'delete_role', { role: 'sales-lead' });
    assert.equal(toolError(inUse.result).code, 'role_in_use');
    assert.equal(toolError(inUse.result).details.members, 1);
    await callTool(client, 'update_member_role', { member: lead.email, role: 'member' });
    const deleted = await callTool<{ deleted: boolean; key: string }>(client, 'delete_role', { role: 'sales-lead' });
    assert.equal(deleted.data.key, 'sales-lead');
    assert.equal(toolError((await callTool(client, 'delete_role', { role: created.data.id })).result).code, 'not_found');

    assert.deepEqual(await auditActions(org), ['role.created', 'member.role_changed', 'team.created', 'role.updated', 'member.role_changed', 'role.deleted']);
  });


  it("answers not_found for every id of another organization and never shows another org's data", async () => {
    const a = await setup();
    const b = await setup();
    const bMember = await createUser(t, { name: 'Bea B' });
    await addMember(t, b.org.slug, bMember);
    const bTeam = await callTool<{ id: string }>(b.client, 'create_team', { name: 'B Team' });
    const bRole = await callTool<{ id: string }>(b.client, 'create_role', { name: 'B Role', permissions: ['org:read'] });
    const bInvite = await callTool<{ invitation: { id: string } }>(b.client, 'invite_member', { email: 'b-invitee@example.com' });
    const bMembership = (await callTool<{ id: string }>(b.client, 'get_member', { member: bMember.email })).data.id;
    const aMember = await createUser(t);
    await addMember(t, a.org.slug, aMember);

    const attempts: [string, Record<string, unknown>][] = [
      ['get_member', { member: bMembership }],
      ['get_member', { member: bMember.id }],
      ['get_member', { member: bMember.email }],
      ['update_member_role', { member: bMembership, role: 'admin' }],
      ['remove_member', { member: bMembership }],
      ['remove_member', { member: b.owner.email }],
      ['revoke_invitation', { invitationId: bInvite.data.invitation.id }],
      ['update_role', { role: bRole.data.id, name: 'Stolen' }],
      ['delete_role', { role: bRole.data.id }],
      ['update_member_role', { member: aMember.email, role: bRole.data.id }],
      ['invite_member', { email: 'x@example.com', teams: [bTeam.data.id] }],
    ];
    for (const [tool, args] of attempts) {
      const result = await callTool(a.client, tool, args);
      assert.equal(result.isError, true, `${tool} ${JSON.stringify(args)}`);
      const code = toolError(result.result).code;
      assert.ok(code === 'not_found' || code === 'unknown_role', `${tool}: ${code}`);
      assert.doesNotMatch(JSON.stringify(result.result), /Bea B|B Team|B Role|b-invitee/);
    }
    const members = await callTool(a.client, 'list_members', { teamId: bTeam.data.id });
    assert.equal(toolError(members.result).code, 'not_found');
    const invitations = await callTool<{ items: unknown[] }>(a.client, 'list_invitations', {});
    assert.deepEqual(invitations.data.items, []);
    const roles = await callTool<{ items: { key: string }[] }>(a.client, 'list_roles', {});
    assert.deepEqual(roles.data.items.map((r) => r.key), ['owner', 'admin', 'member']);

    // B is untouched.
    assert.equal((await callTool<{ name: string }>(b.client, 'get_member', { member: bMember.email })).data.name, 'Bea B');
    assert.equal(await prisma.auditEvent.count({ where: { orgId: b.org.id } }), 3);
  });
});
