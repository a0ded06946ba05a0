import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAIL_REQUESTS_PER_ADDRESS, MAIL_REQUESTS_PER_IP } from '@app/identity';
import { Clock, PrismaService } from '@app/shared';
import { createOrg, createUser, TEST_PASSWORD } from './support/fixtures.js';
import { rawMcp } from './support/mcp.js';
import { authorizeWithForms, Browser, desktopAccessToken, formWithButton, refresh, signIn } from './support/oauth-flow.js';
import { assertPageHeaders, clientIp, submitForm } from './support/pages.js';
import { linkIn, TestSmtpServer, type ReceivedMail } from './support/smtp.js';
import { startTestApp, unique, type TestApp } from './support/test-app.js';

const NEW_PASSWORD = 'a whole new passphrase';
const identityCall = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_current_identity', arguments: {} } };
const plain = (html: string) => html.replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)));

describe('password reset', () => {
  let smtp: TestSmtpServer;
  let a: TestApp;
  let b: TestApp;
  before(async () => {
    smtp = await TestSmtpServer.start();
    a = await startTestApp({ ownDatabase: true, env: { SMTP_URL: smtp.url } });
    // A second instance behind the same public URL, on the same database.
    b = await startTestApp({ sharing: a, env: { SMTP_URL: smtp.url } });
  });
  after(async () => {
    await b?.close();
    await a?.close();
    await smtp?.stop();
  });

  const requestReset = (t: TestApp, email: string, ip = clientIp()) => submitForm(new Browser(t.url), '/forgot-password', 'Send reset link', { Email: email }, { ip });

  async function resetMailFor(email: string, after: ReceivedMail[] = []): Promise<string> {
    const mail = await smtp.waitFor((m) => m.to === email && !after.includes(m));
    assert.equal(mail.subject, 'Reset your OpenWork Cloud password');
    return linkIn(mail, `${a.url}/reset-password/`);
  }

  it('answers the same for known and unknown addresses, and mails only the known one', async () => {
    const user = await createUser(a);
    const unknown = `${unique('nobody')}@example.com`;
    const [known, missing] = await Promise.all([requestReset(a, user.email), requestReset(b, unknown)]);
    assert.equal(known.status, 200);
    assert.equal(missing.status, 200);
    assertPageHeaders(known);
    const normalise = async (res: Response, email: string) => plain(await res.text()).replace(email, 'EMAIL');
    assert.equal(await normalise(known, user.email), await normalise(missing, unknown));
    await resetMailFor(user.email);
    await new Promise((r) => setTimeout(r, 1_200));
    assert.equal(smtp.to(unknown).length, 0);
    assert.equal(await a.get(PrismaService).outboxMessage.count({ where: { recipient: unknown } }), 0);
  });

  it('sets a new password once from the mailed link; bad input leaves the link and the password as they were', async () => {
    const user = await createUser(a);
    await requestReset(a, user.email);
    const link = await resetMailFor(user.email);
    const path = new URL(link).pathname;
    const token = path.split('/').pop()!;
    const stored = await a.get(PrismaService).identityToken.findFirstOrThrow({ where: { userId: user.id, purpose: 'reset_password' } });
    assert.notEqual(stored.tokenHash, token);
    assert.ok(Math.abs(stored.expiresAt.getTime() - stored.createdAt.getTime() - 30 * 60 * 1000) < 5_000);

    const browser = new Browser(a.url);
    const form = formWithButton(await (await browser.get(path)).text(), 'Set password');
    assert.deepEqual(form.inputs.filter((i) => i.type !== 'hidden').map((i) => i.label), ['New password']);
    for (const bad of ['short', 'x'.repeat(257), '']) {
      const res = await submitForm(browser, path, 'Set password', { 'New password': bad });
      assert.equal(res.status, 400);
      assert.match(await res.text(), /password must be 10-256 characters/);
    }
    assert.equal((await submitForm(browser, path, 'Set password', { 'New password': NEW_PASSWORD }, { dropCsrf: true })).status, 403);
    assert.equal((await signIn(new Browser(a.url), '/sign-in', user.email, TEST_PASSWORD)).status, 303, 'the old password still works');

    const done = await submitForm(browser, path, 'Set password', { 'New password': NEW_PASSWORD });
    assert.equal(done.status, 200);
    assert.match(await done.text(), /Password set/);
    assert.equal((await signIn(new Browser(a.url), '/sign-in', user.email, TEST_PASSWORD)).status, 401);
    assert.equal((await signIn(new Browser(a.url), '/sign-in', user.email, NEW_PASSWORD)).status, 303);

    // Single use, on either instance; wrong tokens are the same 404.
    for (const dead of [path, `${path}x`, path.slice(0, -3), '/reset-password/' + 'A'.repeat(43)]) {
      assert.equal((await fetch(`${b.url}${dead}`)).status, 404, dead);
      assert.equal((await new Browser(b.url).post(dead, { password: 'another new password' })).status, 404, dead);
    }
    assert.equal((await signIn(new Browser(a.url), '/sign-in', user.email, NEW_PASSWORD)).status, 303);
  });

  it('ends every web session and every MCP grant made from them, at the next request on every instance', async () => {
    const user = await createUser(a);
    const org = await createOrg(a, user);
    // Two browsers, two MCP clients, plus the desktop path.
    const first = await authorizeWithForms(a, { email: user.email, orgName: org.name });
    const second = await authorizeWithForms(a, { email: user.email, orgName: org.name });
    const desktopBrowser = new Browser(b.url);
    await signIn(desktopBrowser, '/sign-in', user.email);
    const desktop = await desktopAccessToken(b, desktopBrowser.cookie('ow_session')!, org.id);
    const tokens = [first.access_token, second.access_token, desktop];
    for (const token of tokens) {
      for (const t of [a, b]) assert.equal((await rawMcp(t.url, identityCall, { authorization: `Bearer ${token}` })).status, 200);
    }

    await requestReset(b, user.email);
    const link = await resetMailFor(user.email);
    assert.equal((await submitForm(new Browser(a.url), new URL(link).pathname, 'Set password', { 'New password': NEW_PASSWORD })).status, 200);

    for (const token of tokens) {
      for (const t of [b, a]) assert.equal((await rawMcp(t.url, identityCall, { authorization: `Bearer ${token}` })).status, 401, `${t.url}`);
    }
    for (const browser of [first.browser, second.browser, desktopBrowser]) {
      const account = await browser.get('/account');
      assert.equal(account.status, 303);
      assert.match(account.headers.get('location')!, /^\/sign-in/);
    }
    const refreshed = await refresh(a, first.clientId, first.refresh_token);
    assert.equal(refreshed.status, 400);
    assert.equal(refreshed.body.error, 'invalid_grant');
    const grants = await a.get(PrismaService).grant.findMany({ where: { userId: user.id } });
    assert.ok(grants.length >= 3 && grants.every((g) => g.revokedAt !== null));
  });

  it('refuses a bad address with a clear message, and limits requests per address and per IP', async () => {
    for (const bad of ['nobody', 'a@b', 'x@example.com\r\nBcc: y@example.com']) {
      const res = await requestReset(a, bad);
      assert.equal(res.status, 400, bad);
      assert.match(await res.text(), /not a valid email address/);
    }
    const user = await createUser(a);
    for (let i = 0; i < MAIL_REQUESTS_PER_ADDRESS; i++) assert.equal((await requestReset(a, user.email)).status, 200);
    // (Counters are per process without REDIS_URL, so this part talks to one instance.)
    const limited = await requestReset(a, user.email);
    assert.equal(limited.status, 429);
    assert.match(await limited.text(), /Too many reset requests/);
    // Unknown addresses are counted the same way, so the limit reveals nothing either.
    const unknown = `${unique('ghost')}@example.com`;
    for (let i = 0; i < MAIL_REQUESTS_PER_ADDRESS; i++) assert.equal((await requestReset(a, unknown)).status, 200);
    assert.equal((await requestReset(a, unknown)).status, 429);

    const ip = clientIp();
    for (let i = 0; i < MAIL_REQUESTS_PER_IP; i++) assert.equal((await requestReset(a, `${unique('many')}@example.com`, ip)).status, 200);
    assert.equal((await requestReset(a, `${unique('many')}@example.com`, ip)).status, 429);
  });

  // Moves the instance's clock, so it runs last.
  it('lets a link expire after 30 minutes', async () => {
    const user = await createUser(a);
    await requestReset(a, user.email);
    const path = new URL(await resetMailFor(user.email)).pathname;
    a.get(Clock).advance(31 * 60 * 1000);
    assert.equal((await fetch(`${a.url}${path}`)).status, 404);
    assert.equal((await new Browser(a.url).post(path, { password: NEW_PASSWORD })).status, 404);
    assert.equal((await signIn(new Browser(a.url), '/sign-in', user.email, TEST_PASSWORD)).status, 303);
  });
});
