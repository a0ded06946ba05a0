import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { AccountsService, type Account } from '@app/identity';
import { PrismaService } from '@app/shared';
import { escapeHtml } from '../apps/api/src/web/html.js';
import { createOrg, createUser, TEST_PASSWORD } from './support/fixtures.js';
import { callTool, connectWithToken } from './support/mcp.js';
import { invitationLinkTo, TestSmtpServer } from './support/smtp.js';
import { startTestApp, unique, type TestApp } from './support/test-app.js';
import { Browser, formWithButton, signIn } from './support/oauth-flow.js';
import { mintAccess } from './support/tokens.js';

interface PageVisit {
  status: number;
  html: string;
  headers: Headers;
  csrf: string | null;
  cookie: string | null;
}

let currentUrl = '';

async function visit(url: string): Promise<PageVisit> {
  const response = await fetch(url);
  const html = await response.text();
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('ow_csrf=')) ?? null;
  return { status: response.status, html, headers: response.headers, csrf: /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? null, cookie };
}

/** A browser cookie and a valid form token for it, as any page of the site hands out. */
async function browserToken(): Promise<{ cookie: string; csrf: string }> {
  const response = await fetch(`${currentUrl}/sign-in`);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('ow_csrf='))!;
  return { cookie, csrf: /name="csrf" value="([^"]+)"/.exec(await response.text())![1]! };
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
  let smtp: TestSmtpServer;
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

  /** Invites through the tool; the link comes only from the mail the invitee receives. */
  async function invite(client: Client, org: { name: string }, args: { email: string } & Record<string, unknown>) {
    const invited = await callTool<{ invitation: { id: string }; delivery: { status: string; to: string } }>(client, 'invite_member', args);
    assert.equal(invited.isError, false, JSON.stringify(invited.result));
    assert.doesNotMatch(JSON.stringify(invited.result), /\/invitations\//, 'the inviter never sees the link');
    return { ...invited.data, link: await invitationLinkTo(smtp, t, args.email.toLowerCase(), { org: org.name }) };
  }

  before(async () => {
    smtp = await TestSmtpServer.start();
    // Its own database on PostgreSQL: no other suite's sender takes these messages.
    t = await startTestApp({ ownDatabase: true, env: { SMTP_URL: smtp.url } });
    currentUrl = t.url;
    prisma = t.get(PrismaService);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await t?.close();
    await smtp?.stop();
  });

  it('lets a new person create their account, join with the role and teams, then see the org through get_current_identity', async () => {
    const { client, org } = await setup();
    const team = await callTool<{ id: string }>(client, 'create_team', { name: 'Sales' });
    const email = `${unique('newbie')}@example.com`;
    const invited = await invite(client, org, { email, role: 'admin', teams: ['Sales'] });

    const page = await visit(invited.link);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(page.headers.get('cache-control'), 'no-store');
    // Organization and inviter, escaped.
    assert.ok(page.html.includes(escapeHtml(org.name)));
    assert.ok(page.html.includes(`${escapeHtml('Olivia <Owner>')} invited you`));
    assert.ok(!page.html.includes('<Owner>'));
    assert.match(page.html, /<label for="name">Name<\/label>/);
    assert.match(page.html, /<label for="password">Password<\/label>/);
    assert.match(page.html, /<form method="post"/);
    assert.ok(page.cookie, 'CSRF cookie set');
    assert.match(page.cookie!, /HttpOnly/i);
    assert.match(page.cookie!, /SameSite=Lax/i);
    // The shared web kit: the form token is an HMAC of this browser's cookie (and session), never the cookie itself,
    // and the page's CSP allows its one stylesheet by hash, not 'unsafe-inline'.
    assert.notEqual(page.cookie!.split(';')[0]!.split('=')[1], page.csrf);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.match(csp, /style-src 'sha256-[A-Za-z0-9+/=]+'/);
    assert.match(csp, /form-action 'self'/);
    assert.match(csp, /default-src 'none'/);

    // Without the matching cookie (a cross-site form) nothing happens.
    const forged = await submit(invited.link, { csrf: page.csrf!, name: 'New Person', password: 'a strong password' }, null);
    assert.equal(forged.status, 403);
    const mismatched = await submit(invited.link, { csrf: 'x'.repeat(43), name: 'New Person', password: 'a strong password' }, page.cookie);
    assert.equal(mismatched.status, 403);
    const otherBrowser = await visit(invited.link);
    const crossed = await submit(invited.link, { csrf: page.csrf!, name: 'New Person', password: 'a strong password' }, otherBrowser.cookie);
    assert.equal(crossed.status, 403, 'a token is bound to the browser it was issued to');
    assert.equal(await prisma.user.count({ where: { email } }), 0);

    const weak = await submit(invited.link, { csrf: page.csrf!, name: 'New Person', password: 'short' }, page.cookie);
    assert.equal(weak.status, 400);
    assert.match(weak.html, /role="alert"/);
    assert.match(weak.html, /at least|characters/);
    assert.match(weak.html, /value="New Person"/);

    const accepted = await submit(invited.link, { csrf: page.csrf!, name: 'New Person', password: 'a strong password' }, page.cookie);
    assert.equal(accepted.status, 200, accepted.html);
    assert.match(accepted.html, /You have joined/);
    assert.equal(accepted.headers.get('x-frame-options'), 'DENY');

    const account = await t.get(AccountsService).getByEmail(email);
    assert.equal(account.name, 'New Person');
    // The link came by mail to the address: following it verified it.
    assert.equal(account.emailVerified, true);
    assert.ok((await prisma.user.findUniqueOrThrow({ where: { id: account.id } })).emailVerifiedAt);
    const newcomer = await connect(account, org.id);
    const identity = await callTool<{ organization: { id: string; name: string }; role: string; account: { email: string } }>(newcomer, 'get_current_identity');
    assert.equal(identity.data.organization.id, org.id);
    assert.equal(identity.data.role, 'admin');
    assert.equal(identity.data.account.email, email);
    const teams = await callTool<{ items: { id: string }[] }>(newcomer, 'list_teams', { member: email });
    assert.deepEqual(teams.data.items.map((x) => x.id), [team.data.id]);

    const invitation = await prisma.invitation.findUnique({ where: { id: invited.invitation.id } });
    assert.equal(invitation?.status, 'accepted');
    assert.equal(invitation?.acceptedUserId, account.id);
    const audit = await prisma.auditEvent.findFirst({ where: { orgId: org.id, action: 'invitation.accepted' } });
    assert.equal(audit?.actorUserId, account.id);

    // The link is single use.
    const reused = await visit(invited.link);
    assert.equal(reused.status, 410);
    assert.match(reused.html, /already been accepted/);
    const replay = await submit(invited.link, { csrf: page.csrf!, password: 'a strong password' }, page.cookie);
    assert.equal(replay.status, 410);
  });

  // Each sign-in comes from its own random documentation address (trusted from a loopback proxy), so
  // per-address counters, which may live in a Redis shared between runs, never meet.
  function address(): string {
    return `2001:db8::${randomBytes(4).toString('hex').replace(/(....)(....)/, '$1:$2')}`;
  }

  /** Follows "Sign in to accept" through /sign-in and back; returns the page the browser lands on. */
  async function signInFromInvitation(browser: Browser, acceptUrl: string, email: string, password = TEST_PASSWORD, from = address()) {
    const invitationPage = await (await browser.get(acceptUrl)).text();
    const link = /<a href="([^"]+)">Sign in to accept<\/a>/.exec(invitationPage)?.[1]?.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
    assert.ok(link, invitationPage);
    const signedIn = await signIn(browser, link, email, password, { 'x-forwarded-for': from });
    return signedIn;
  }

  it('sends someone who already has an account through /sign-in and back, then joins as that account', async () => {
    const { client, org } = await setup();
    const existing = await createUser(t, { name: 'Existing Person' });
    const invited = await invite(client, org, { email: existing.email, teams: [] });
    const page = await visit(invited.link);
    assert.equal(page.status, 200);
    assert.match(page.html, /already uses/);
    // The page itself asks for no password: an existing account proves itself only at /sign-in.
    assert.doesNotMatch(page.html, /type="password"/);
    assert.doesNotMatch(page.html, /<label for="name">/);
    const path = new URL(invited.link).pathname;
    assert.ok(page.html.includes(`href="${escapeHtml(`/sign-in?return_to=${encodeURIComponent(path)}`)}"`), page.html);

    const browser = new Browser(t.url);
    const signedIn = await signInFromInvitation(browser, invited.link, existing.email);
    assert.equal(signedIn.status, 303);
    assert.equal(signedIn.headers.get('location'), path);

    const back = await browser.get(path);
    assert.equal(back.status, 200);
    const form = formWithButton(await back.text(), `Join ${org.name}`);
    assert.equal(form.inputs.filter((i) => i.type === 'password').length, 0);
    const joined = await browser.post(form.action, form.hidden);
    const joinedHtml = await joined.text();
    assert.equal(joined.status, 200, joinedHtml);
    assert.match(joinedHtml, /You have joined/);
    const membership = await prisma.membership.findFirst({ where: { orgId: org.id, userId: existing.id } });
    assert.equal(membership?.role, 'member');
  });

  it('never confirms a password: 25 guesses, the right one among them, all get the same refusal and change nothing', async () => {
    const { client, org } = await setup();
    const victim = await createUser(t, { name: 'Victim' });
    const invited = await invite(client, org, { email: victim.email });
    // The page has no form for an existing account; a guesser takes a valid token for its browser from another page.
    const { cookie, csrf } = await browserToken();
    const guesses = Array.from({ length: 24 }, (_, i) => `guess number ${i} of many`);
    guesses.splice(13, 0, TEST_PASSWORD);
    const answers = new Set<string>();
    for (const password of guesses) {
      const answer = await submit(invited.link, { csrf: csrf, password }, cookie);
      answers.add(`${answer.status}\n${answer.html}`);
    }
    // The same fields with a name, without a password, or with an empty one: still the same answer.
    const variants: Record<string, string>[] = [{}, { password: '' }, { name: 'Victim', password: TEST_PASSWORD }];
    for (const fields of variants) {
      const answer = await submit(invited.link, { csrf: csrf, ...fields }, cookie);
      answers.add(`${answer.status}\n${answer.html}`);
    }
    assert.equal(answers.size, 1, [...answers].join('\n----\n'));
    const [only] = [...answers];
    assert.match(only!, /^401\n/);
    assert.match(only!, /Sign in as/);
    assert.doesNotMatch(only!, /incorrect|too many|locked|wrong/i);
    assert.equal(await prisma.membership.count({ where: { orgId: org.id, userId: victim.id } }), 0);
    assert.equal((await prisma.invitation.findFirst({ where: { orgId: org.id, email: victim.email } }))?.status, 'pending');

    // Signed in as someone else, the answer is the same refusal.
    const stranger = await createUser(t);
    const browser = new Browser(t.url);
    assert.equal((await signIn(browser, '/sign-in', stranger.email, TEST_PASSWORD, { 'x-forwarded-for': address() })).status, 303);
    const seen = await (await browser.get(invited.link)).text();
    assert.match(seen, /not as the invited address/);
    const asStranger = await browser.post(invited.link, { csrf: /name="csrf" value="([^"]+)"/.exec(await (await browser.get('/account')).text())![1]!, password: TEST_PASSWORD });
    assert.equal(asStranger.status, 401);
    assert.equal(await prisma.membership.count({ where: { orgId: org.id, userId: { in: [victim.id, stranger.id] } } }), 0);
  });

  it('cannot confirm a locked account: the page refuses, and /sign-in stays locked even for the right password', async () => {
    const { client, org } = await setup();
    const locked = await createUser(t, { name: 'Locked' });
    const invited = await invite(client, org, { email: locked.email });
    const browser = new Browser(t.url);
    // Five failures from different addresses lock the account itself.
    for (let i = 0; i < 5; i++) {
      const failed = await signInFromInvitation(browser, invited.link, locked.email, `wrong password ${i}`);
      assert.equal(failed.status, 401);
    }
    const refused = await signInFromInvitation(browser, invited.link, locked.email, TEST_PASSWORD);
    assert.equal(refused.status, 429);
    assert.equal(browser.cookie('ow_session'), undefined);

    const { cookie, csrf } = await browserToken();
    const wrong = await submit(invited.link, { csrf: csrf, password: 'wrong password 9' }, cookie);
    const right = await submit(invited.link, { csrf: csrf, password: TEST_PASSWORD }, cookie);
    assert.equal(right.status, 401);
    assert.deepEqual([right.status, right.html], [wrong.status, wrong.html]);
    assert.equal(await prisma.membership.count({ where: { orgId: org.id, userId: locked.id } }), 0);
  });

  it('accepts one link once even when it is submitted twice at the same time', async () => {
    const { client, org } = await setup();
    const existing = await createUser(t);
    const invited = await invite(client, org, { email: existing.email });
    const browser = new Browser(t.url);
    assert.equal((await signInFromInvitation(browser, invited.link, existing.email)).status, 303);
    const form = formWithButton(await (await browser.get(invited.link)).text(), `Join ${org.name}`);
    const results = await Promise.all([1, 2].map(() => browser.post(form.action, form.hidden)));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 410]);
    assert.equal(await prisma.membership.count({ where: { orgId: org.id, userId: existing.id } }), 1);
    assert.equal(await prisma.auditEvent.count({ where: { orgId: org.id, action: 'invitation.accepted' } }), 1);
  });

  it('tells a signed-in inviter nothing about whether the invited address has an account, and creates nothing', async () => {
    const { owner, client, org } = await setup();
    const existing = await createUser(t, { name: 'Has Account' });
    const newcomer = `${unique('nobody')}@example.com`;
    const withAccount = await invite(client, org, { email: existing.email });
    const withoutAccount = await invite(client, org, { email: newcomer });

    const inviter = new Browser(t.url);
    assert.equal((await signIn(inviter, '/sign-in', owner.email, TEST_PASSWORD, { 'x-forwarded-for': address() })).status, 303);
    const pages = await Promise.all([withAccount.link, withoutAccount.link].map(async (link) => {
      const res = await inviter.get(link);
      return `${res.status}\n${await res.text()}`;
    }));
    assert.equal(pages[0], pages[1], 'one page for both');
    assert.match(pages[0]!, /^200\n/);
    assert.match(pages[0]!, /not as the invited address/);
    assert.doesNotMatch(pages[0]!, /already uses|Create your|type="password"|Sign in to accept|<form/);
    assert.ok(!pages[0]!.includes(existing.email) && !pages[0]!.includes(newcomer));

    // Submitting anyway (a form token from another page): one refusal for both, and nothing is created.
    const csrf = /name="csrf" value="([^"]+)"/.exec(await (await inviter.get('/account')).text())![1]!;
    const answers = await Promise.all([withAccount.link, withoutAccount.link].map(async (link) => {
      const res = await inviter.post(link, { csrf, name: 'Taken Over', password: 'a strong password' });
      return `${res.status}\n${await res.text()}`;
    }));
    assert.equal(answers[0], answers[1]);
    assert.match(answers[0]!, /^401\n/);
    assert.equal(await prisma.user.count({ where: { email: newcomer } }), 0);
    assert.equal(await prisma.membership.count({ where: { orgId: org.id, userId: existing.id } }), 0);
    assert.deepEqual((await prisma.invitation.findMany({ where: { orgId: org.id }, orderBy: { email: 'asc' } })).map((i) => i.status), ['pending', 'pending']);

    // Signed out, the invitee sees what they need: sign in, or create the account.
    assert.match((await visit(withAccount.link)).html, /Sign in to accept/);
    assert.match((await visit(withoutAccount.link)).html, /Create account and join/);
  });

  it('shows a clear page for unknown, revoked and expired links', async () => {
    const unknown = await visit(`${t.url}/invitations/not-a-real-token`);
    assert.equal(unknown.status, 404);
    assert.match(unknown.html, /not valid/);
    assert.equal(unknown.headers.get('x-frame-options'), 'DENY');

    const { client, org } = await setup();
    const revoked = await invite(client, org, { email: 'revoked@example.com' });
    await callTool(client, 'revoke_invitation', { invitationId: revoked.invitation.id });
    const revokedPage = await visit(revoked.link);
    assert.equal(revokedPage.status, 410);
    assert.match(revokedPage.html, /withdrawn/);

    const expiring = await invite(client, org, { email: 'late@example.com' });
    // Moving the shared clock would disturb other suites on the same database; age the row instead.
    await prisma.invitation.update({ where: { id: expiring.invitation.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expiredPage = await visit(expiring.link);
    assert.equal(expiredPage.status, 410);
    assert.match(expiredPage.html, /expired/);
  });
});
