import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { AccountsService } from '@app/identity';
import { escapeMailHtml, formatExpiry } from '@app/mail';
import { UnmailedInvitations } from '@app/members';
import { applyMigrations, hashPassword, hashSecret, newSecret, openDatabase, PrismaService } from '@app/shared';
import { UnmailedInvitationsStartup } from '../apps/api/src/maintenance/unmailed-invitations.startup.js';
import { addMember, connectionsTo, createOrg, createUser, TEST_PASSWORD } from './support/fixtures.js';
import { connectWithToken, fails, ok } from './support/mcp.js';
import { invitationLinkTo, linkIn, TestSmtpServer } from './support/smtp.js';
import { ownDatabase, startTestApp, unique, type TestApp } from './support/test-app.js';
import { mintAccess } from './support/tokens.js';

const settle = () => new Promise((r) => setTimeout(r, 1_500));

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('invitations by email: invite_member, list_invitations delivery, resend_invitation', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let prisma: PrismaService;
  const { connect, setup, close } = connectionsTo(() => t);

  const deliveryOf = async (client: Client, email: string) => {
    const listed = await ok(client, 'list_invitations', { query: email });
    const [item] = listed.items.filter((i: { email: string }) => i.email === email);
    return item.delivery as { status: string; to: string } | null;
  };
  const waitForDelivery = (client: Client, email: string, status: string) =>
    until(`${email}: ${status}`, async () => ((await deliveryOf(client, email))?.status === status ? true : undefined));
  const mailsTo = (email: string, org: { name: string }) => smtp.to(email).filter((m) => m.subject.includes(org.name));

  before(async () => {
    smtp = await TestSmtpServer.start();
    // Its own database on PostgreSQL: no other suite's sender takes these messages.
    t = await startTestApp({ ownDatabase: true, env: { SMTP_URL: smtp.url } });
    prisma = t.get(PrismaService);
  });
  after(async () => {
    await close();
    await t?.close();
    await smtp?.stop();
  });

  it('mails the invitee a link the inviter never sees, naming organization, inviter, role and expiry, every name escaped', async () => {
    const owner = await createUser(t, { name: 'Olivia <img src=x onerror=alert(1)>' });
    const org = await createOrg(t, owner, { name: `Acme <script>alert("x")</script> & Co ${unique('')}` });
    const client = await connect(owner, org.id);
    const email = `${unique('newbie')}@example.com`;

    const invited = await ok(client, 'invite_member', { email: email.toUpperCase(), role: 'admin' });
    assert.deepEqual(Object.keys(invited).sort(), ['delivery', 'invitation', 'refreshed']);
    assert.deepEqual(invited.delivery, { status: 'queued', to: email });
    assert.equal(invited.refreshed, false);
    assert.doesNotMatch(JSON.stringify(invited), /invitations\/|acceptUrl|emailSent/);

    const link = await invitationLinkTo(smtp, t, email, { org: org.name });
    const [mail] = mailsTo(email, org);
    const row = await prisma.invitation.findFirstOrThrow({ where: { orgId: org.id, email } });
    assert.equal(row.tokenHash, hashSecret(link.split('/').pop()!), 'the mailed link is the invitation\'s');
    assert.equal(mail!.to, email);
    assert.equal(mail!.subject, `${owner.name} invited you to join ${org.name} on OpenWork Cloud`);
    // Plain text: the names as they are, who invited (name and address), the role and the expiry.
    for (const part of [org.name, owner.name, owner.email, 'the role admin', `expires ${formatExpiry(row.expiresAt)}`, link]) {
      assert.ok(mail!.text.includes(part), `text names ${part}:\n${mail!.text}`);
    }
    // HTML: the same words, nothing anyone typed rendered as markup.
    assert.doesNotMatch(mail!.html, /<script|<img|onerror=alert\(1\)>/);
    for (const part of [org.name, owner.name, owner.email]) assert.ok(mail!.html.includes(escapeMailHtml(part)), `html names ${part}`);
    assert.ok(mail!.html.includes(`<a href="${escapeMailHtml(link)}">Accept the invitation</a>`));
    assert.equal((await fetch(link)).status, 200);

    // Nothing the inviter can call shows the link: the list, the audit log, the tool results.
    await waitForDelivery(client, email, 'sent');
    const token = link.split('/').pop()!;
    for (const [tool, args] of [['list_invitations', {}], ['list_audit_events', {}], ['find_people', { query: email }]] as const) {
      const text = JSON.stringify(await ok(client, tool, args));
      assert.ok(!text.includes(token) && !text.includes('/invitations/'), tool);
    }
  });

  it('queues the mail with the invitation: a refused invitation queues nothing, and concurrent ones queue one each', async () => {
    const { client, org } = await setup({ seats: 3, allowedDomains: ['example.com'] });
    const member = await createUser(t, { email: `${unique('member')}@example.com` });
    await addMember(t, org.slug, member);
    const queuedFor = (emails: string[]) => prisma.outboxMessage.count({ where: { recipient: { in: emails } } });

    // Owner and member hold two of three seats: five invitations at once, one seat.
    const emails = Array.from({ length: 5 }, (_, i) => `${unique(`race${i}`)}@example.com`);
    const outcomes = await Promise.all(emails.map((email) => client.callTool({ name: 'invite_member', arguments: { email } })));
    assert.equal(outcomes.filter((o) => !o.isError).length, 1);
    assert.equal(await prisma.invitation.count({ where: { orgId: org.id } }), 1);
    assert.equal(await queuedFor(emails), 1, 'exactly the accepted invitation was mailed');

    const refusals: [Record<string, unknown>, string][] = [
      [{ email: `${unique('full')}@example.com` }, 'seat_limit_reached'],
      [{ email: `${unique('out')}@elsewhere.test` }, 'email_domain_not_allowed'],
      [{ email: member.email }, 'already_member'],
      [{ email: `${unique('role')}@example.com`, role: 'wizard' }, 'not_found'],
    ];
    for (const [args, code] of refusals) await fails(client, 'invite_member', args, code);
    await settle();
    assert.equal(await queuedFor(refusals.map(([args]) => String(args.email).toLowerCase())), 0);
    assert.equal(smtp.received.filter((m) => refusals.some(([args]) => m.to === String(args.email).toLowerCase())).length, 0);
  });

  it('list_invitations shows each one\'s latest delivery: queued while SMTP is down, then sent; failed on a 5xx; null without one', async () => {
    const { client, org } = await setup();
    const slow = `${unique('slow')}@example.com`;
    await smtp.stop();
    try {
      const invited = await ok(client, 'invite_member', { email: slow });
      assert.deepEqual(invited.delivery, { status: 'queued', to: slow });
      // The first attempt found no server: the message waits for its retry, queued.
      await until('a failed first attempt', async () => {
        const message = await prisma.outboxMessage.findFirst({ where: { recipient: slow } });
        return message && message.attempts >= 1 && message.status === 'queued' ? true : undefined;
      });
      assert.deepEqual(await deliveryOf(client, slow), { status: 'queued', to: slow });
    } finally {
      await smtp.listen();
    }
    await waitForDelivery(client, slow, 'sent');
    assert.equal(mailsTo(slow, org).length, 1);

    const refused = `${unique('refused')}@example.com`;
    smtp.refuseNext(1, 550, '5.1.1 No such mailbox');
    await ok(client, 'invite_member', { email: refused });
    await waitForDelivery(client, refused, 'failed');
    assert.deepEqual(await deliveryOf(client, refused), { status: 'failed', to: refused });

    // Past mail retention the outbox row is gone: no delivery to show.
    const gone = await prisma.invitation.findFirstOrThrow({ where: { orgId: org.id, email: slow } });
    await prisma.outboxMessage.delete({ where: { id: gone.outboxMessageId! } });
    assert.equal(await deliveryOf(client, slow), null);
    const listed = await ok(client, 'list_invitations', {});
    assert.deepEqual(listed.items.map((i: { email: string; delivery: { status: string } | null }) => [i.email, i.delivery?.status ?? null]), [
      [slow, null],
      [refused, 'failed'],
    ]);
  });

  it('a queued mail whose link stopped working is not sent: its invitation revoked, or its link replaced by a resend', async () => {
    const { client, org } = await setup();
    const revoked = `${unique('revoked')}@example.com`;
    const replaced = `${unique('replaced')}@example.com`;
    const waiting = { recipient: { in: [revoked, replaced] } };
    await smtp.stop();
    try {
      await ok(client, 'invite_member', { email: revoked });
      await ok(client, 'invite_member', { email: replaced });
      await until('both tried once and waiting for their retry', async () =>
        (await prisma.outboxMessage.count({ where: { ...waiting, status: 'queued', attempts: { gte: 1 } } })) === 2 ? true : undefined,
      );
      // Their retry is not due within this test: only a withdrawal changes them from here on.
      await prisma.outboxMessage.updateMany({ where: { ...waiting, status: 'queued' }, data: { nextAttemptAt: new Date(Date.now() + 3_600_000) } });
    } finally {
      await smtp.listen();
    }
    const earlier = (await prisma.invitation.findFirstOrThrow({ where: { orgId: org.id, email: replaced } })).outboxMessageId!;
    await ok(client, 'revoke_invitation', { invitation: revoked });
    await ok(client, 'resend_invitation', { invitation: replaced });
    await waitForDelivery(client, replaced, 'sent');

    const revokedMail = await prisma.outboxMessage.findFirstOrThrow({ where: { recipient: revoked } });
    assert.deepEqual([revokedMail.status, revokedMail.lastReply, revokedMail.payload], ['failed', 'not delivered: the invitation was revoked', null]);
    const earlierMail = await prisma.outboxMessage.findUniqueOrThrow({ where: { id: earlier } });
    assert.deepEqual([earlierMail.status, earlierMail.lastReply, earlierMail.payload], ['failed', 'not delivered: replaced by a newer invitation link', null]);
    assert.equal(mailsTo(revoked, org).length, 0);
    assert.equal(mailsTo(replaced, org).length, 1, 'only the message with the working link');
    const link = await invitationLinkTo(smtp, t, replaced, { org: org.name });
    const row = await prisma.invitation.findFirstOrThrow({ where: { orgId: org.id, email: replaced } });
    assert.equal(row.tokenHash, hashSecret(link.split('/').pop()!));
    // A message already sent is history, not withdrawn: revoking now leaves it as it was.
    await ok(client, 'revoke_invitation', { invitation: replaced });
    assert.equal((await prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.outboxMessageId! } })).status, 'sent');
  });

  it('resend_invitation rotates the link and mails it, three times an hour per invitation; another invitation is unaffected', async () => {
    const { client, org } = await setup();
    const email = `${unique('resend')}@example.com`;
    const other = `${unique('other')}@example.com`;
    const invited = await ok(client, 'invite_member', { email });
    await ok(client, 'invite_member', { email: other });
    const first = await invitationLinkTo(smtp, t, email, { org: org.name });
    const before = await prisma.invitation.findFirstOrThrow({ where: { id: invited.invitation.id } });

    const startedAt = Date.now();
    const links = [first];
    // By email (any case), by id, and by the legacy invitationId.
    for (const args of [{ invitation: email.toUpperCase() }, { invitation: invited.invitation.id }, { invitationId: invited.invitation.id }]) {
      const resent = await ok(client, 'resend_invitation', args);
      assert.deepEqual(resent.delivery, { status: 'queued', to: email });
      assert.equal(resent.invitation.id, invited.invitation.id);
      assert.doesNotMatch(JSON.stringify(resent), /\/invitations\//);
      links.push(await invitationLinkTo(smtp, t, email, { org: org.name, count: links.length + 1 }));
    }
    assert.equal(new Set(links).size, 4, 'every resend is a new link');
    // Only the newest link works: each rotation killed the one before at once.
    assert.deepEqual(await Promise.all(links.map(async (l) => (await fetch(l)).status)), [404, 404, 404, 200]);
    const rotated = await prisma.invitation.findFirstOrThrow({ where: { id: invited.invitation.id } });
    assert.ok(rotated.expiresAt > before.expiresAt, 'a resent link has a full lifetime');

    const limited = await fails(client, 'resend_invitation', { invitation: email }, 'rate_limited');
    assert.equal(limited.details.limit, 3);
    const retryAt = Date.parse(String(limited.details.retryAt));
    assert.ok(retryAt >= startedAt + 60 * 60_000 - 1_000 && retryAt <= Date.now() + 60 * 60_000, String(limited.details.retryAt));
    assert.match(limited.hint ?? '', /after/);
    await settle();
    assert.equal(mailsTo(email, org).length, 4, 'a refused resend mails nothing');
    assert.equal((await fetch(links[3]!)).status, 200, 'and rotates nothing');

    // Another invitation has its own count.
    await ok(client, 'resend_invitation', { invitation: other });
    assert.equal((await invitationLinkTo(smtp, t, other, { org: org.name, count: 2 })).startsWith(`${t.url}/invitations/`), true);

    // The window slides: once the oldest resend is an hour old, one more goes through.
    await prisma.invitation.update({ where: { id: invited.invitation.id }, data: { resentAt: rotated.resentAt.map((at, i) => (i === 0 ? new Date(at.getTime() - 60 * 60_000) : at)) } });
    await ok(client, 'resend_invitation', { invitation: email });
    await fails(client, 'resend_invitation', { invitation: email }, 'rate_limited');

    const audit = await prisma.auditEvent.findMany({ where: { orgId: org.id, action: 'invitation.resent' } });
    assert.deepEqual(audit.map((a) => a.targetId).filter((id) => id === invited.invitation.id).length, 4);
  });

  it('counts concurrent resends one after the other: three go through, the rest are refused; only live links are mailed', async () => {
    const { client, org } = await setup();
    const email = `${unique('burst')}@example.com`;
    await ok(client, 'invite_member', { email });
    await invitationLinkTo(smtp, t, email, { org: org.name });
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => client.callTool({ name: 'resend_invitation', arguments: { invitation: email } })));
    assert.equal(outcomes.filter((o) => !o.isError).length, 3);
    await waitForDelivery(client, email, 'sent');
    await settle();
    // One message per link; a resend that came before its predecessor went out withdrew it (its link was dead).
    const messages = await prisma.outboxMessage.findMany({ where: { recipient: email }, orderBy: { createdAt: 'asc' } });
    assert.equal(messages.length, 4);
    for (const message of messages) {
      assert.ok(message.status === 'sent' || (message.status === 'failed' && message.lastReply === 'not delivered: replaced by a newer invitation link'), `${message.status}: ${message.lastReply}`);
    }
    assert.equal(messages.at(-1)!.status, 'sent');
    const received = mailsTo(email, org);
    assert.equal(received.length, messages.filter((m) => m.status === 'sent').length);
    const row = await prisma.invitation.findFirstOrThrow({ where: { orgId: org.id, email } });
    assert.equal(hashSecret(linkIn(received.at(-1)!, `${t.url}/invitations/`).split('/').pop()!), row.tokenHash, 'the last mail carries the working link');
  });

  it('resend_invitation follows the rules for changing an invitation, and mails nothing when refused', async () => {
    const { owner, client, org } = await setup();
    const admin = await createUser(t);
    await addMember(t, org.slug, admin, 'admin');
    const reader = await createUser(t);
    await addMember(t, org.slug, reader, 'member');
    const adminClient = await connect(admin, org.id);
    const readerClient = await connect(reader, org.id);
    const boss = `${unique('boss')}@example.com`;
    const dev = `${unique('dev')}@example.com`;
    const gone = `${unique('gone')}@example.com`;
    const late = `${unique('late')}@example.com`;
    await ok(client, 'invite_member', { email: boss, role: 'owner' });
    await ok(client, 'invite_member', { email: dev });
    const revoked = await ok(client, 'invite_member', { email: gone });
    await ok(client, 'revoke_invitation', { invitation: gone });
    const expiring = await ok(client, 'invite_member', { email: late });
    await prisma.invitation.update({ where: { id: expiring.invitation.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await settle();
    const mailsBefore = smtp.received.length;

    await fails(adminClient, 'resend_invitation', { invitation: boss }, 'owner_required');
    await fails(readerClient, 'resend_invitation', { invitation: dev }, 'permission_denied');
    assert.equal((await fails(client, 'resend_invitation', { invitation: revoked.invitation.id }, 'invitation_not_pending')).details.status, 'revoked');
    assert.equal((await fails(client, 'resend_invitation', { invitation: expiring.invitation.id }, 'invitation_not_pending')).details.status, 'expired');
    await fails(client, 'resend_invitation', { invitation: 'nobody@example.com' }, 'not_found');
    await settle();
    assert.equal(smtp.received.length, mailsBefore);

    await ok(adminClient, 'resend_invitation', { invitation: dev });
    await invitationLinkTo(smtp, t, dev, { org: org.name, count: 2 });

    // The tool: in the people toolset, titled, with honest annotations.
    const people = await connectWithToken(t.url, (await mintAccess(t, owner, org.id, 'mcp:read mcp:write', `${t.url}/mcp/x/people`)).token, '/mcp/x/people');
    const catalog = await connectWithToken(t.url, (await mintAccess(t, owner, org.id, 'mcp:read mcp:write', `${t.url}/mcp/x/catalog`)).token, '/mcp/x/catalog');
    try {
      const tool = (await people.listTools()).tools.find((x) => x.name === 'resend_invitation');
      assert.ok(tool);
      assert.equal(tool.title, 'Resend invitation');
      assert.deepEqual(tool.annotations, { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true });
      assert.ok((tool.description ?? '').length < 200, 'a short description');
      assert.equal((await catalog.listTools()).tools.some((x) => x.name === 'resend_invitation'), false);
      assert.equal((await readerClient.listTools()).tools.some((x) => x.name === 'resend_invitation'), false);
    } finally {
      await people.close();
      await catalog.close();
    }
  });
});

const BEFORE_INVITATION_MAIL = '20261201164103_confirmations';

describe('pending invitations made before invitations were mailed', () => {
  it('get a new link mailed once at startup; the link the inviter held dies; two instances send one mail', async () => {
    const smtp = await TestSmtpServer.start();
    const own = await ownDatabase('invmail');
    const dataDir = mkdtempSync(join(tmpdir(), 'owmcp-invmail-'));
    const apps: TestApp[] = [];
    const ids = { user: randomUUID(), org: randomUUID(), fresh: randomUUID(), expired: randomUUID(), revoked: randomUUID(), accepted: randomUUID() };
    const tokens = { fresh: newSecret(), expired: newSecret(), revoked: newSecret(), accepted: newSecret() };
    const orgName = 'Legacy <b>Labs</b>';
    const day = 24 * 60 * 60 * 1000;
    const freshExpiry = new Date(Date.now() + 3 * day);
    try {
      // A database as the previous version left it, with the kinds of invitation it made.
      const database = await openDatabase({ dataDir, databaseUrl: own.url });
      const old = new PrismaService(database);
      try {
        await applyMigrations(database.adapterFactory, { through: BEFORE_INVITATION_MAIL });
        const passwordHash = await hashPassword(TEST_PASSWORD);
        await old.$executeRaw`INSERT INTO "User" (id, email, name, "passwordHash", "emailVerifiedAt", "updatedAt") VALUES (${ids.user}, 'olivia@legacy.test', 'Olivia Owner', ${passwordHash}, now(), now())`;
        await old.$executeRaw`INSERT INTO "Organization" (id, name, slug, "updatedAt") VALUES (${ids.org}, ${orgName}, 'legacy-labs', now())`;
        await old.$executeRaw`INSERT INTO "Membership" (id, "orgId", "userId", role, "updatedAt") VALUES (${randomUUID()}, ${ids.org}, ${ids.user}, 'owner', now())`;
        const invitation = async (id: string, email: string, token: string, status: string, expiresAt: Date) =>
          old.$executeRaw`INSERT INTO "Invitation" (id, "orgId", email, role, status, "tokenHash", "invitedByUserId", "expiresAt", "updatedAt")
            VALUES (${id}, ${ids.org}, ${email}, 'member', ${status}::"InvitationStatus", ${hashSecret(token)}, ${ids.user}, ${expiresAt}, now())`;
        await invitation(ids.fresh, 'fresh@legacy.test', tokens.fresh, 'pending', freshExpiry);
        await invitation(ids.expired, 'expired@legacy.test', tokens.expired, 'pending', new Date(Date.now() - day));
        await invitation(ids.revoked, 'revoked@legacy.test', tokens.revoked, 'revoked', freshExpiry);
        await invitation(ids.accepted, 'accepted@legacy.test', tokens.accepted, 'accepted', freshExpiry);
        // The migration kills the live link at once, before any server of this version answers.
        await applyMigrations(database.adapterFactory);
        const hashes = await old.$queryRaw<{ id: string; tokenHash: string }[]>`SELECT id, "tokenHash" FROM "Invitation"`;
        assert.deepEqual(new Map(hashes.map((h) => [h.id, h.tokenHash])), new Map([
          [ids.fresh, `retired:${ids.fresh}`],
          [ids.expired, hashSecret(tokens.expired)],
          [ids.revoked, hashSecret(tokens.revoked)],
          [ids.accepted, hashSecret(tokens.accepted)],
        ]));
      } finally {
        await old.$disconnect();
        await database.close();
      }

      // This version starts: its startup step mails each live invitation a new link.
      const a = await startTestApp({ env: { ...own.env, DATA_DIR: dataDir, SMTP_URL: smtp.url } });
      apps.push(a);
      const prisma = a.get(PrismaService);
      assert.equal((await fetch(`${a.url}/invitations/${tokens.fresh}`)).status, 404, 'the link handed to the inviter is dead');
      for (const token of [tokens.expired, tokens.revoked, tokens.accepted]) assert.equal((await fetch(`${a.url}/invitations/${token}`)).status, 410, 'unusable as before');
      const link = await invitationLinkTo(smtp, a, 'fresh@legacy.test', { org: orgName });
      const page = await (await fetch(link)).text();
      assert.ok(page.includes('Legacy &#60;b&#62;Labs&#60;/b&#62;') || page.includes('Legacy &lt;b&gt;Labs&lt;/b&gt;'), page);
      assert.match(page, /Olivia Owner invited you/);
      const [mail] = smtp.to('fresh@legacy.test');
      assert.ok(mail!.text.includes('Olivia Owner (olivia@legacy.test)'));
      assert.doesNotMatch(mail!.html, /<b>Labs/);

      const fresh = await prisma.invitation.findUniqueOrThrow({ where: { id: ids.fresh } });
      assert.ok(fresh.outboxMessageId);
      assert.equal(fresh.expiresAt.getTime(), freshExpiry.getTime(), 'only the link changed');
      assert.equal(fresh.status, 'pending');
      const audit = await prisma.auditEvent.findMany({ where: { orgId: ids.org, action: 'invitation.mailed' } });
      assert.deepEqual(audit.map((e) => [e.targetId, e.actorUserId, e.clientId]), [[ids.fresh, null, 'server:invitation-mail']]);

      // A second instance starting on the same data sends nothing again.
      const b = await startTestApp({ sharing: a, env: { SMTP_URL: smtp.url } });
      apps.push(b);
      await settle();
      assert.deepEqual(smtp.received.map((m) => m.to), ['fresh@legacy.test'], 'expired, revoked and accepted invitations get nothing');
      for (const id of [ids.expired, ids.revoked, ids.accepted]) assert.equal((await prisma.invitation.findUniqueOrThrow({ where: { id } })).outboxMessageId, null);

      // Invitations an instance of the previous version made during the upgrade: the step runs in both new
      // instances at once (with and without the lock), and each invitee gets one mail.
      const late = ['late1', 'late2', 'late3'].map((name) => ({ id: randomUUID(), email: `${name}@legacy.test`, token: newSecret() }));
      for (const l of late) {
        await prisma.$executeRaw`INSERT INTO "Invitation" (id, "orgId", email, role, status, "tokenHash", "invitedByUserId", "expiresAt", "updatedAt")
          VALUES (${l.id}, ${ids.org}, ${l.email}, 'member', 'pending', ${hashSecret(l.token)}, ${ids.user}, ${freshExpiry}, now())`;
      }
      const runs = await Promise.all([
        a.get(UnmailedInvitations).mailAll(),
        b.get(UnmailedInvitations).mailAll(),
        a.get(UnmailedInvitationsStartup).run(),
        b.get(UnmailedInvitationsStartup).run(),
      ]);
      assert.ok((runs[0] as number) + (runs[1] as number) <= 3);
      for (const l of late) {
        await invitationLinkTo(smtp, a, l.email, { org: orgName });
        assert.equal((await fetch(`${a.url}/invitations/${l.token}`)).status, 404);
      }
      await settle();
      for (const l of late) assert.equal(smtp.to(l.email).length, 1, l.email);

      // The owner sees the deliveries.
      const owner = await a.get(AccountsService).getByEmail('olivia@legacy.test');
      const client = await connectWithToken(a.url, (await mintAccess(a, owner, ids.org)).token);
      try {
        const listed = await ok(client, 'list_invitations', { status: 'pending' });
        assert.deepEqual(
          listed.items.map((i: { email: string; delivery: { to: string } | null }) => [i.email, i.delivery?.to ?? null]).sort(),
          ['fresh', 'late1', 'late2', 'late3'].map((name) => [`${name}@legacy.test`, `${name}@legacy.test`]),
        );
        const expired = await ok(client, 'list_invitations', { status: 'expired' });
        assert.deepEqual(expired.items.map((i: { delivery: unknown }) => i.delivery), [null]);
      } finally {
        await client.close();
      }
    } finally {
      for (const app of apps.reverse()) await app.close();
      await smtp.stop();
      await own.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
