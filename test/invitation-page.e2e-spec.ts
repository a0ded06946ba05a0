import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { AccountsService, type Account } from '@app/identity';
import { PrismaService } from '@app/shared';
import { createOrg, createUser, TEST_PASSWORD } from './support/fixtures.js';
import { callTool, connectWithToken } from './support/mcp-client.js';
import { startTestApp, unique, type TestApp } from './support/test-app.js';
import { mintAccess } from './support/tokens.js';

interface PageVisit {
  status: number;
  html: string;
  headers: Headers;
  csrf: string | null;
  cookie: string | null;
}

async function visit(url: string): Promise<PageVisit> {
  const response = await fetch(url);
  const html = await response.text();
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('owc_invitation_csrf=')) ?? null;
  return { status: response.status, html, headers: response.headers, csrf: /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? null, cookie };
}

async function submit(url: string, fields: Record<string, string>, cookie: string | null) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie: cookie.split(';')[0]! } : {}) },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  return { status: response.status, html: await response.text(), headers: response.headers };
}

describe('accepting an invitation at /invitations/:token', () => {
  let t: TestApp;
  let prisma: PrismaService;
  const clients: Client[] = [];

  async function connect(user: Account, orgId: string) {
    const client = await connectWithToken(t.url, (await mintAccess(t, user, orgId)).token);
    clients.push(client);
    return client;
  }

  async function setup() {
    const owner = await createUser(t, { name: 'Olivia <Owner>' });
    const org = await createOrg(t, owner, { name: unique('Acme & Co ') });
    return { owner, org, client: await connect(owner, org.id) };
  }

  before(async () => {
    t = await startTestApp();
    prisma = t.get(PrismaService);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await t.close();
  });

  it('lets a new person create their account, join with the role and teams, then see the org through get_current_identity', async () => {
    const { client, org } = await setup();
    const team = await callTool<{ id: string }>(client, 'create_team', { name: 'Sales' });
    const email = `${unique('newbie')}@example.com`;
    const invited = await callTool<{ acceptUrl: string; invitation: { id: string } }>(client, 'invite_member', { email, role: 'admin', teams: ['Sales'] });

    const page = await visit(invited.data.acceptUrl);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(page.headers.get('cache-control'), 'no-store');
    // Organization and inviter, escaped.
    assert.ok(page.html.includes(org.name.replace('&', '&amp;')));
    assert.ok(page.html.includes('Olivia &lt;Owner&gt; invited you'));
    assert.match(page.html, /<label for="name">Name<\/label>/);
    assert.match(page.html, /<label for="password">Password<\/label>/);
    assert.match(page.html, /<form method="post"/);
    assert.ok(page.cookie, 'CSRF cookie set');
    assert.match(page.cookie!, /HttpOnly/i);
    assert.match(page.cookie!, /SameSite=Lax/i);
    assert.equal(page.cookie!.split(';')[0]!.split('=')[1], page.csrf);

    // Without the matching cookie (a cross-site form) nothing happens.
    const forged = await submit(invited.data.acceptUrl, { _csrf: page.csrf!, name: 'New Person', password: 'a strong password' }, null);
    assert.equal(forged.status, 403);
    const mismatched = await submit(invited.data.acceptUrl, { _csrf: 'x'.repeat(43), name: 'New Person', password: 'a strong password' }, page.cookie);
    assert.equal(mismatched.status, 403);
    assert.equal(await prisma.user.count({ where: { email } }), 0);

    const weak = await submit(invited.data.acceptUrl, { _csrf: page.csrf!, name: 'New Person', password: 'short' }, page.cookie);
    assert.equal(weak.status, 400);
    assert.match(weak.html, /role="alert"/);
    assert.match(weak.html, /at least|characters/);
    assert.match(weak.html, /value="New Person"/);

    const accepted = await submit(invited.data.acceptUrl, { _csrf: page.csrf!, name: 'New Person', password: 'a strong password' }, page.cookie);
    assert.equal(accepted.status, 200, accepted.html);
    assert.match(accepted.html, /You have joined/);
    assert.equal(accepted.headers.get('x-frame-options'), 'DENY');

    const account = await t.get(AccountsService).getByEmail(email);
    assert.equal(account.name, 'New Person');
    const newcomer = await connect(account, org.id);
    const identity = await callTool<{ organization: { id: string; name: string }; role: string; account: { email: string } }>(newcomer, 'get_current_identity');
    assert.equal(identity.data.organization.id, org.id);
    assert.equal(identity.data.role, 'admin');
    assert.equal(identity.data.account.email, email);
    const teams = await callTool<{ items: { id: string }[] }>(newcomer, 'list_teams', { member: email });
    assert.deepEqual(teams.data.items.map((x) => x.id), [team.data.id]);

    const invitation = await prisma.invitation.findUnique({ where: { id: invited.data.invitation.id } });
    assert.equal(invitation?.status, 'accepted');
    assert.equal(invitation?.acceptedUserId, account.id);
    const audit = await prisma.auditEvent.findFirst({ where: { orgId: org.id, action: 'invitation.accepted' } });
    assert.equal(audit?.actorUserId, account.id);

    // The link is single use.
    const reused = await visit(invited.data.acceptUrl);
    assert.equal(reused.status, 410);
    assert.match(reused.html, /already been accepted/);
    const replay = await submit(invited.data.acceptUrl, { _csrf: page.csrf!, password: 'a strong password' }, page.cookie);
    assert.equal(replay.status, 410);
  });

  it('asks someone who already has an account to sign in with their password', async () => {
    const { client, org } = await setup();
    const existing = await createUser(t, { name: 'Existing Person' });
    const invited = await callTool<{ acceptUrl: string }>(client, 'invite_member', { email: existing.email });
    const page = await visit(invited.data.acceptUrl);
    assert.equal(page.status, 200);
    assert.match(page.html, /already uses/);
    assert.doesNotMatch(page.html, /<label for="name">/);
    assert.match(page.html, /<label for="password">Password<\/label>/);
    assert.match(page.html, /Sign in and join/);

    const wrong = await submit(invited.data.acceptUrl, { _csrf: page.csrf!, password: 'not the password' }, page.cookie);
    assert.equal(wrong.status, 401);
    assert.match(wrong.html, /incorrect/);
    assert.equal(await prisma.membership.count({ where: { orgId: org.id, userId: existing.id } }), 0);

    const ok = await submit(invited.data.acceptUrl, { _csrf: page.csrf!, password: TEST_PASSWORD }, page.cookie);
    assert.equal(ok.status, 200);
    const membership = await prisma.membership.findFirst({ where: { orgId: org.id, userId: existing.id } });
    assert.equal(membership?.role, 'member');
  });

  it('accepts one link once even when it is submitted twice at the same time', async () => {
    const { client, org } = await setup();
    const existing = await createUser(t);
    const invited = await callTool<{ acceptUrl: string }>(client, 'invite_member', { email: existing.email });
    const page = await visit(invited.data.acceptUrl);
    const results = await Promise.all([1, 2].map(() => submit(invited.data.acceptUrl, { _csrf: page.csrf!, password: TEST_PASSWORD }, page.cookie)));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 410]);
    assert.equal(await prisma.membership.count({ where: { orgId: org.id, userId: existing.id } }), 1);
    assert.equal(await prisma.auditEvent.count({ where: { orgId: org.id, action: 'invitation.accepted' } }), 1);
  });

  it('shows a clear page for unknown, revoked and expired links', async () => {
    const unknown = await visit(`${t.url}/invitations/not-a-real-token`);
    assert.equal(unknown.status, 404);
    assert.match(unknown.html, /not valid/);
    assert.equal(unknown.headers.get('x-frame-options'), 'DENY');

    const { client } = await setup();
    const revoked = await callTool<{ acceptUrl: string; invitation: { id: string } }>(client, 'invite_member', { email: 'revoked@example.com' });
    await callTool(client, 'revoke_invitation', { invitationId: revoked.data.invitation.id });
    const revokedPage = await visit(revoked.data.acceptUrl);
    assert.equal(revokedPage.status, 410);
    assert.match(revokedPage.html, /withdrawn/);

    const expiring = await callTool<{ acceptUrl: string; invitation: { id: string } }>(client, 'invite_member', { email: 'late@example.com' });
    // Moving the shared clock would disturb other suites on the same database; age the row instead.
    await prisma.invitation.update({ where: { id: expiring.data.invitation.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expiredPage = await visit(expiring.data.acceptUrl);
    assert.equal(expiredPage.status, 410);
    assert.match(expiredPage.html, /expired/);
  });
});
