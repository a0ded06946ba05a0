import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAIL_REQUESTS_PER_ADDRESS, MAIL_REQUESTS_PER_IP } from '@app/identity';
import { PrismaService } from '@app/shared';
import { createOrg, createUser, TEST_PASSWORD } from './support/fixtures.js';
import { answerConsent, authorizeUrl, authorizeWithForms, Browser, formWithButton, parseForms, pkce, registerClient, signIn, tokenRequest } from './support/oauth-flow.js';
import { assertPageHeaders, clientIp, submitForm } from './support/pages.js';
import { linkIn, TestSmtpServer } from './support/smtp.js';
import { startTestApp, unique, type TestApp } from './support/test-app.js';

const plain = (html: string) => html.replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)));

describe('sign-up when SIGN_UP is invite-only (the default)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t?.close());

  it('answers 404 to GET and POST /sign-up and offers no sign-up link', async () => {
    assert.equal(t.config.signUp, 'invite-only');
    const get = await fetch(`${t.url}/sign-up`);
    assert.equal(get.status, 404);
    assertPageHeaders(get);
    const email = `${unique('closed')}@example.com`;
    const post = await new Browser(t.url).post('/sign-up', { name: 'X', email, password: TEST_PASSWORD, organizationName: 'X' });
    assert.equal(post.status, 404);
    assert.equal(await t.get(PrismaService).user.count({ where: { email } }), 0);
    assert.ok(!(await (await fetch(`${t.url}/sign-in`)).text()).includes('/sign-up'));
  });
});

describe('open sign-up and email verification', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  before(async () => {
    smtp = await TestSmtpServer.start();
    t = await startTestApp({ ownDatabase: true, env: { SIGN_UP: 'open', SMTP_URL: smtp.url } });
  });
  after(async () => {
    await t?.close();
    await smtp?.stop();
  });

  const signUp = (browser: Browser, email: string, extra: Record<string, string> = {}, ip = clientIp()) =>
    submitForm(browser, '/sign-up', 'Create account', { Name: 'Nia New', Email: email, Password: TEST_PASSWORD, 'Organization name': `Nia's Shop`, ...extra }, { ip });

  /** Starts an authorization request and signs in; returns the consent page location. */
  async function toConsent(browser: Browser, email: string): Promise<string> {
    const client = await registerClient(t);
    const res = await browser.get(
      authorizeUrl(t, { response_type: 'code', client_id: client.clientId, redirect_uri: client.redirectUri, code_challenge: pkce().challenge, code_challenge_method: 'S256', state: 's' }),
    );
    const signedIn = await signIn(browser, res.headers.get('location')!, email);
    assert.equal(signedIn.status, 303);
    return signedIn.headers.get('location')!;
  }

  it('creates an unverified account with its organization, mails a 24 h link, does not sign in; the link verifies once', async () => {
    const browser = new Browser(t.url);
    const form = formWithButton(await (await browser.get('/sign-up')).text(), 'Create account');
    assert.deepEqual(form.inputs.filter((i) => i.type !== 'hidden').map((i) => i.label), ['Name', 'Email', 'Password', 'Organization name']);

    const email = `${unique('nia')}@example.com`;
    const res = await signUp(browser, email);
    assert.equal(res.status, 200);
    assert.match(plain(await res.text()), new RegExp(`We sent a message to <strong>${email}</strong>`));
    assert.equal(browser.cookie('ow_session'), undefined, 'sign-up does not sign in');
    const user = await t.get(PrismaService).user.findUniqueOrThrow({ where: { email }, include: { memberships: { include: { organization: true } } } });
    assert.equal(user.emailVerifiedAt, null);
    assert.deepEqual(user.memberships.map((m) => [m.role, m.organization.name]), [['owner', `Nia's Shop`]]);

    const mail = await smtp.waitFor((m) => m.to === email);
    assert.match(mail.subject, /Confirm your email/);
    const link = linkIn(mail, `${t.url}/verify-email/`);
    const token = link.slice(link.lastIndexOf('/') + 1);
    const stored = await t.get(PrismaService).identityToken.findFirstOrThrow({ where: { userId: user.id, purpose: 'verify_email' } });
    assert.notEqual(stored.tokenHash, token, 'stored hashed');
    const lifetime = stored.expiresAt.getTime() - stored.createdAt.getTime();
    assert.ok(Math.abs(lifetime - 24 * 60 * 60 * 1000) < 5_000, String(lifetime));
    assert.match(mail.text, /works once and expires/);

    const verified = await fetch(link);
    assert.equal(verified.status, 200);
    assertPageHeaders(verified);
    assert.match(await verified.text(), /Email confirmed/);
    assert.ok((await t.get(PrismaService).user.findUniqueOrThrow({ where: { email } })).emailVerifiedAt);
    assert.equal((await fetch(link)).status, 404, 'single use');
    for (const wrong of [`${link}x`, link.slice(0, -2), `${t.url}/verify-email/${'a'.repeat(43)}`, `${t.url}/verify-email/%00`]) {
      assert.equal((await fetch(wrong)).status, 404, wrong);
    }
  });

  it('lets an unverified account sign in but not consent or use the desktop exchange; Resend verification email replaces the link', async () => {
    const email = `${unique('unverified')}@example.com`;
    await signUp(new Browser(t.url), email);
    const first = await smtp.waitFor((m) => m.to === email);

    const browser = new Browser(t.url);
    const consent = await toConsent(browser, email);
    const page = await browser.get(consent);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /Confirm your email address first/);
    assert.ok(!parseForms(html).some((f) => f.buttons.some((b) => b.text === 'Allow')), 'no Allow button');
    // Pressing Allow anyway (a forged form) is refused too.
    const deny = formWithButton(html, 'Deny');
    const user = await t.get(PrismaService).user.findUniqueOrThrow({ where: { email }, include: { memberships: true } });
    const forced = await browser.post(deny.action, { ...deny.hidden, org: user.memberships[0]!.orgId, decision: 'allow' });
    assert.equal(forced.status, 403);
    assert.equal(await t.get(PrismaService).grant.count({ where: { userId: user.id } }), 0);

    const exchange = await tokenRequest(t, {
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      client_id: 'openwork-desktop',
      subject_token: browser.cookie('ow_session')!,
      subject_token_type: 'urn:openwork:params:oauth:token-type:session',
      org: user.memberships[0]!.orgId,
    });
    assert.equal(exchange.status, 400);
    assert.equal(exchange.body.error, 'invalid_grant');
    assert.match(String(exchange.body.error_description), /Confirm your email/);

    const resend = formWithButton(html, 'Resend verification email');
    const resent = await browser.post(resend.action, resend.hidden);
    assert.equal(resent.status, 200);
    const second = await smtp.waitFor((m) => m.to === email && m.messageId !== first.messageId);
    assert.equal((await fetch(linkIn(first, `${t.url}/verify-email/`))).status, 404, 'the earlier link died');
    assert.equal((await fetch(linkIn(second, `${t.url}/verify-email/`))).status, 200);

    const after = await browser.get(consent);
    const allowed = await answerConsent(browser, consent, undefined, 'Allow');
    assert.equal(after.status, 200);
    assert.equal(allowed.status, 303);
    assert.ok(new URL(allowed.headers.get('location')!).searchParams.get('code'));
  });

  it('answers an address that already has an account with the same page, and mails its owner instead', async () => {
    const owner = await createUser(t, { email: `${unique('taken')}@example.com`, name: 'Tara Taken' });
    const fresh = `${unique('fresh')}@example.com`;
    const [taken, created] = await Promise.all([signUp(new Browser(t.url), owner.email), signUp(new Browser(t.url), fresh)]);
    assert.equal(taken.status, created.status);
    const normalise = (html: string, email: string) => plain(html).replace(email, 'EMAIL');
    assert.equal(normalise(await taken.text(), owner.email), normalise(await created.text(), fresh));
    const notice = await smtp.waitFor((m) => m.to === owner.email);
    assert.equal(notice.subject, 'Someone tried to sign up with your address');
    assert.match(notice.text, /nothing was created/);
    assert.ok(!notice.links.some((l) => l.includes('/verify-email/')));
    const prisma = t.get(PrismaService);
    assert.equal(await prisma.membership.count({ where: { userId: owner.id } }), 0, 'no organization was made for the existing account');
    assert.equal((await prisma.user.findUniqueOrThrow({ where: { id: owner.id } })).name, 'Tara Taken');
    await smtp.waitFor((m) => m.to === fresh);
  });

  it('refuses bad input with a clear message and creates nothing', async () => {
    const email = `${unique('bad')}@example.com`;
    const browser = new Browser(t.url);
    for (const [values, message] of [
      [{ Password: 'short' }, /password must be 10-256 characters/],
      [{ Password: 'x'.repeat(257) }, /password must be 10-256 characters/],
      [{ Email: 'nobody' }, /not a valid email address/],
      [{ Email: 'a b@example.com' }, /not a valid email address/],
      [{ Email: 'x@example.com\r\nBcc: victim@example.com' }, /not a valid email address/],
      [{ Name: '' }, /Invalid name: use 1-100 printable characters/],
      [{ Name: 'n'.repeat(101) }, /Invalid name: use 1-100 printable characters/],
      [{ 'Organization name': ' ' }, /Invalid organization name: use 1-100 printable characters/],
    ] as const) {
      const res = await signUp(browser, email, values as Record<string, string>);
      assert.equal(res.status, 400, JSON.stringify(values));
      assert.match(await res.text(), message);
    }
    const forged = await submitForm(browser, '/sign-up', 'Create account', { Name: 'N', Email: email, Password: TEST_PASSWORD, 'Organization name': 'O' }, { dropCsrf: true });
    assert.equal(forged.status, 403);
    assert.equal(await t.get(PrismaService).user.count({ where: { email } }), 0);
    await new Promise((r) => setTimeout(r, 1_200));
    assert.equal(smtp.to(email).length, 0);
  });

  it('limits sign-up per address and per IP', async () => {
    const email = `${unique('limit')}@example.com`;
    for (let i = 0; i < MAIL_REQUESTS_PER_ADDRESS; i++) assert.equal((await signUp(new Browser(t.url), email)).status, 200);
    const limited = await signUp(new Browser(t.url), email);
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assert.match(await limited.text(), /Too many sign-up attempts/);

    const ip = clientIp();
    // Bad input is refused before it is counted; only real attempts use up the limit.
    assert.equal((await signUp(new Browser(t.url), `${unique('ip')}@example.com`, { Password: 'short' }, ip)).status, 400);
    for (let i = 0; i < MAIL_REQUESTS_PER_IP; i++) {
      const res = await signUp(new Browser(t.url), `${unique('ip')}@example.com`, {}, ip);
      assert.equal(res.status, 200);
    }
    const address = `${unique('ipblocked')}@example.com`;
    assert.equal((await signUp(new Browser(t.url), address, {}, ip)).status, 429);
    assert.equal(await t.get(PrismaService).user.count({ where: { email: address } }), 0);
    assert.equal((await signUp(new Browser(t.url), address, {}, clientIp())).status, 200, 'another IP is not affected');
  });

  it('limits Resend verification email per account', async () => {
    const email = `${unique('resend')}@example.com`;
    await signUp(new Browser(t.url), email);
    const browser = new Browser(t.url);
    const consent = await toConsent(browser, email);
    const resend = formWithButton(await (await browser.get(consent)).text(), 'Resend verification email');
    const statuses = [];
    for (let i = 0; i <= MAIL_REQUESTS_PER_ADDRESS; i++) statuses.push((await browser.post(resend.action, resend.hidden, { 'x-forwarded-for': clientIp() })).status);
    assert.deepEqual(statuses, [...Array(MAIL_REQUESTS_PER_ADDRESS).fill(200), 429]);
    const noCsrf = await browser.post(resend.action, {});
    assert.equal(noCsrf.status, 403);
    // The account page offers the same button while the address is unconfirmed.
    const account = await (await browser.get('/account')).text();
    assert.match(account, /not confirmed yet/);
    formWithButton(account, 'Resend verification email');
  });
});

describe('accounts created by an operator', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t?.close());

  it('count as verified and connect clients without a confirmation step', async () => {
    const user = await createUser(t);
    const org = await createOrg(t, user);
    assert.equal(user.emailVerified, true);
    const tokens = await authorizeWithForms(t, { email: user.email, orgName: org.name });
    assert.ok(tokens.access_token);
  });
});
