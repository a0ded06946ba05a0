import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { SigningKeysService } from '@app/keys';
import { ClientMetadataFetcher, DESKTOP_CLIENT_ID, TOKEN_TYPE_SESSION } from '@app/oauth';
import { Clock, PrismaService } from '@app/shared';
import { callTool, connectWithToken, rawMcp } from './support/mcp.js';
import { addMember, createOrg, createUser, TEST_PASSWORD } from './support/fixtures.js';
import {
  answerConsent,
  authorizeCode,
  authorizeUrl,
  authorizeWithForms,
  Browser,
  exchangeCode,
  formWithButton,
  pkce,
  refresh,
  registerClient,
  signIn,
  tokenRequest,
} from './support/oauth-flow.js';
import { startTestApp, unique, type TestApp } from './support/test-app.js';
import type { Account } from '@app/identity';

// Response bodies in assertions; their shape is what is under test.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (res: Response): Promise<any> => res.json();

async function mcpStatus(t: TestApp, token: string): Promise<number> {
  const res = await rawMcp(t.url, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { authorization: `Bearer ${token}` });
  await res.body?.cancel();
  return res.status;
}

async function revoke(t: TestApp, clientId: string, token: string) {
  const res = await fetch(`${t.url}/oauth/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: clientId, token }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function authorizeParams(clientId: string, redirectUri: string, extra: Record<string, string | undefined> = {}) {
  return { response_type: 'code', client_id: clientId, redirect_uri: redirectUri, code_challenge: pkce().challenge, code_challenge_method: 'S256', state: 'st4te', ...extra };
}

function assertPageHeaders(res: Response) {
  assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
}

describe('OAuth under attack', () => {
  let t: TestApp;
  let user: Account;
  let orgName: string;
  before(async () => {
    t = await startTestApp();
    user = await createUser(t);
    orgName = unique('Attacked Org ');
    await createOrg(t, user, { name: orgName });
  });
  after(() => t.close());

  describe('discovery and registration', () => {
    it('publishes the same RFC 8414 document at both discovery paths', async () => {
      const a = await json(await fetch(`${t.url}/.well-known/oauth-authorization-server`));
      const b = await json(await fetch(`${t.url}/.well-known/openid-configuration`));
      assert.deepEqual(a, b);
      assert.equal(a.issuer, t.url);
      assert.equal(a.jwks_uri, `${t.url}/oauth/jwks`);
      assert.deepEqual(a.response_types_supported, ['code']);
      assert.deepEqual(a.code_challenge_methods_supported, ['S256']);
      assert.deepEqual(a.token_endpoint_auth_methods_supported, ['none']);
      assert.equal(a.client_id_metadata_document_supported, true);
      assert.equal(a.authorization_response_iss_parameter_supported, true);
      for (const key of ['authorization_endpoint', 'token_endpoint', 'registration_endpoint', 'revocation_endpoint', 'scopes_supported', 'grant_types_supported']) assert.ok(a[key], key);
      for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
        const prm = await json(await fetch(`${t.url}${path}`));
        assert.equal(prm.resource, t.config.mcpResourceUrl);
        assert.deepEqual(prm.authorization_servers, [t.url]);
      }
      const jwks = await json(await fetch(`${t.url}/oauth/jwks`));
      assert.ok(jwks.keys.length >= 1);
      assert.equal(jwks.keys[0].crv, 'Ed25519');
      assert.equal(jwks.keys[0].d, undefined);
    });

    it('refuses web, dangerous and disguised redirect URIs and confidential clients at registration', async () => {
      for (const uri of ['https://evil.example/cb', 'http://evil.example/cb', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd', 'http://127.0.0.1:1/cb#x', 'http://user@localhost:1/cb']) {
        const res = await fetch(`${t.url}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: [uri] }) });
        assert.equal(res.status, 400, uri);
        assert.equal(res.headers.get('cache-control'), 'no-store');
        assert.equal((await json(res)).error, 'invalid_redirect_uri', uri);
      }
      for (const body of [{ redirect_uris: ['http://127.0.0.1:1/cb'], token_endpoint_auth_method: 'client_secret_basic' }, { redirect_uris: ['http://127.0.0.1:1/cb'], grant_types: ['client_credentials'] }, { redirect_uris: ['http://127.0.0.1:1/cb'], scope: 'admin' }]) {
        const res = await fetch(`${t.url}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        assert.equal(res.status, 400);
        assert.equal((await json(res)).error, 'invalid_client_metadata');
      }
      const res = await fetch(`${t.url}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
      assert.equal(res.status, 400);
      assert.equal((await json(res)).error, 'invalid_request');
    });
  });

  describe('authorization endpoint', () => {
    it('shows an error page, never a redirect, for an unknown client or an unregistered redirect URI', async () => {
      const { clientId, redirectUri } = await registerClient(t);
      const near = [
        'http://127.0.0.1:8976/callback/',
        'http://127.0.0.1:8976/Callback',
        'http://127.0.0.1:8976/callback?x=1',
        'http://user@127.0.0.1:8976/callback',
        'http://127.0.0.1.evil/callback',
        'http://127.0.0.1:8976/x/../callback',
        'http://127.0.0.1:8976/callback#frag',
        'JaVaScRiPt:alert(1)',
        'http://localhost:8976/callback',
        'http://127.0.0.1:8976/other',
        'https://evil.example/callback',
      ];
      for (const uri of near) {
        const res = await fetch(authorizeUrl(t, authorizeParams(clientId, uri)), { redirect: 'manual' });
        assert.equal(res.status, 400, uri);
        assert.equal(res.headers.get('location'), null, uri);
        assertPageHeaders(res);
        assert.match(await res.text(), /not registered/);
      }
      const unknown = await fetch(authorizeUrl(t, authorizeParams('mcp_nope', redirectUri)), { redirect: 'manual' });
      assert.equal(unknown.status, 400);
      assert.equal(unknown.headers.get('location'), null);
      // Port variance on a loopback redirect is allowed (RFC 8252 §7.3); it goes on to sign-in.
      const otherPort = await fetch(authorizeUrl(t, authorizeParams(clientId, 'http://127.0.0.1:41111/callback')), { redirect: 'manual' });
      assert.equal(otherPort.status, 303);
      assert.match(otherPort.headers.get('location')!, /^\/sign-in\?return_to=/);
    });

    it('requires PKCE with S256 and reports it to the client with state and iss', async () => {
      const { clientId, redirectUri } = await registerClient(t);
      const cases: [Record<string, string | undefined>, string][] = [
        [{ code_challenge: undefined }, 'invalid_request'],
        [{ code_challenge_method: 'plain' }, 'invalid_request'],
        [{ code_challenge_method: undefined }, 'invalid_request'],
        [{ code_challenge: 'too-short' }, 'invalid_request'],
        [{ response_type: 'token' }, 'unsupported_response_type'],
        [{ scope: 'mcp:read admin' }, 'invalid_scope'],
        [{ resource: 'https://evil.example/mcp' }, 'invalid_target'],
      ];
      for (const [override, error] of cases) {
        const res = await fetch(authorizeUrl(t, authorizeParams(clientId, redirectUri, override)), { redirect: 'manual' });
        assert.equal(res.status, 303, JSON.stringify(override));
        const location = new URL(res.headers.get('location')!);
        assert.equal(location.origin + location.pathname, redirectUri);
        assert.equal(location.searchParams.get('error'), error, JSON.stringify(override));
        assert.equal(location.searchParams.get('state'), 'st4te');
        assert.equal(location.searchParams.get('iss'), t.url);
      }
    });

    it('lets the user deny, reporting access_denied with state and iss', async () => {
      const { clientId, redirectUri } = await registerClient(t);
      const browser = new Browser(t.url);
      let res = await browser.get(authorizeUrl(t, authorizeParams(clientId, redirectUri)));
      res = await signIn(browser, res.headers.get('location')!, user.email);
      res = await answerConsent(browser, res.headers.get('location')!, orgName, 'Deny');
      assert.equal(res.status, 303);
      const location = new URL(res.headers.get('location')!);
      assert.equal(location.searchParams.get('error'), 'access_denied');
      assert.equal(location.searchParams.get('state'), 'st4te');
      assert.equal(location.searchParams.get('iss'), t.url);
      assert.equal(location.searchParams.get('code'), null);
    });

    it('refuses a consent POST without a valid CSRF token, and the pages cannot be framed', async () => {
      const { clientId, redirectUri } = await registerClient(t);
      const browser = new Browser(t.url);
      let res = await browser.get(authorizeUrl(t, authorizeParams(clientId, redirectUri)));
      const signInPage = await browser.get(res.headers.get('location')!);
      assertPageHeaders(signInPage);
      assert.match(signInPage.headers.getSetCookie().join(), /HttpOnly/i);
      res = await signIn(browser, res.headers.get('location')!, user.email);
      assert.match(res.headers.getSetCookie().join(), /ow_session=.*HttpOnly.*SameSite=Lax/i);
      const consentLocation = res.headers.get('location')!;
      const page = await browser.get(consentLocation);
      assertPageHeaders(page);
      const form = formWithButton(await page.text(), 'Allow');
      const orgId = form.inputs.find((i) => i.type === 'radio')!.value!;
      const { csrf: _csrf, ...withoutCsrf } = form.hidden;
      for (const fields of [withoutCsrf, { ...withoutCsrf, csrf: 'forged' }]) {
        res = await browser.post('/oauth/consent', { ...fields, org: orgId, decision: 'allow' });
        assert.equal(res.status, 403);
        assert.equal(res.headers.get('location'), null);
        assertPageHeaders(res);
      }
      // A token minted for another browser's session is useless here.
      const other = new Browser(t.url);
      let r2 = await other.get(authorizeUrl(t, authorizeParams(clientId, redirectUri)));
      r2 = await signIn(other, r2.headers.get('location')!, user.email);
      const otherForm = formWithButton(await (await other.get(r2.headers.get('location')!)).text(), 'Allow');
      res = await browser.post('/oauth/consent', { ...form.hidden, csrf: otherForm.hidden.csrf!, org: orgId, decision: 'allow' });
      assert.equal(res.status, 403);
      // The page also refuses an organization the user is not in.
      const stranger = await createUser(t);
      const strangerOrg = await createOrg(t, stranger);
      res = await browser.post('/oauth/consent', { ...form.hidden, org: strangerOrg.id, decision: 'allow' });
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('location'), null);
    });

    it('tells a user without an organization so, with only a Deny button', async () => {
      const loner = await createUser(t);
      const { clientId, redirectUri } = await registerClient(t);
      const browser = new Browser(t.url);
      let res = await browser.get(authorizeUrl(t, authorizeParams(clientId, redirectUri)));
      res = await signIn(browser, res.headers.get('location')!, loner.email);
      const page = await (await browser.get(res.headers.get('location')!)).text();
      assert.match(page, /not in any organization/);
      assert.doesNotMatch(page, />Allow</);
      res = await answerConsent(browser, res.headers.get('location')!, undefined, 'Deny');
      assert.equal(new URL(res.headers.get('location')!).searchParams.get('error'), 'access_denied');
    });
  });

  describe('code exchange', () => {
    it('refuses a missing or wrong verifier, another client, another redirect and another resource — and burns the code', async () => {
      const a = await authorizeCode(t, { email: user.email });
      let r = await exchangeCode(t, { ...a, verifier: '' });
      assert.equal(r.status, 400);
      assert.equal(r.body.error, 'invalid_request');
      assert.equal(r.headers.get('cache-control'), 'no-store');
      r = await exchangeCode(t, { ...a, verifier: pkce().verifier });
      assert.equal(r.body.error, 'invalid_grant');
      // The code was tried once; even the right verifier no longer works.
      r = await exchangeCode(t, a);
      assert.equal(r.body.error, 'invalid_grant');

      const other = await registerClient(t);
      const b = await authorizeCode(t, { email: user.email, browser: a.browser });
      r = await exchangeCode(t, { ...b, clientId: other.clientId });
      assert.equal(r.body.error, 'invalid_grant');

      const c = await authorizeCode(t, { email: user.email, browser: a.browser });
      r = await exchangeCode(t, { ...c, redirectUri: 'http://127.0.0.1:9999/callback' });
      assert.equal(r.body.error, 'invalid_grant');

      const d = await authorizeCode(t, { email: user.email, browser: a.browser });
      r = await exchangeCode(t, d, { resource: 'https://evil.example/mcp' });
      assert.equal(r.body.error, 'invalid_target');

      const e = await authorizeCode(t, { email: user.email, browser: a.browser });
      r = await exchangeCode(t, { ...e, verifier: e.verifier.slice(0, 20) });
      assert.equal(r.body.error, 'invalid_grant');
    });

    it('revokes what a code issued when the code is replayed', async () => {
      const a = await authorizeCode(t, { email: user.email });
      const first = await exchangeCode(t, a);
      assert.equal(first.status, 200);
      const accessToken = first.body.access_token as string;
      assert.equal(await mcpStatus(t, accessToken), 200);
      const replay = await exchangeCode(t, a);
      assert.equal(replay.status, 400);
      assert.equal(replay.body.error, 'invalid_grant');
      assert.equal(await mcpStatus(t, accessToken), 401);
      const r = await refresh(t, a.clientId, first.body.refresh_token as string);
      assert.equal(r.body.error, 'invalid_grant');
    });

    it('answers unknown grant types and malformed requests with RFC 6749 errors', async () => {
      let r = await tokenRequest(t, { grant_type: 'password', username: 'x', password: 'y' });
      assert.equal(r.body.error, 'unsupported_grant_type');
      r = await tokenRequest(t, {});
      assert.equal(r.body.error, 'invalid_request');
      r = await tokenRequest(t, { grant_type: 'authorization_code', client_id: 'mcp_unknown', code: 'x', redirect_uri: 'http://127.0.0.1/cb', code_verifier: pkce().verifier });
      assert.equal(r.status, 401);
      assert.equal(r.body.error, 'invalid_client');
      const res = await fetch(`${t.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=refresh_token&grant_type=authorization_code' });
      assert.equal(res.status, 400);
      assert.equal((await json(res)).error, 'invalid_request');
      const asJson = await fetch(`${t.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'refresh_token' }) });
      assert.equal(asJson.status, 400);
      assert.equal((await json(asJson)).error, 'invalid_request');
      // Browser-based clients may call the token endpoint cross-origin (no cookies are involved).
      const preflight = await fetch(`${t.url}/oauth/token`, { method: 'OPTIONS', headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'POST' } });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    });
  });

  describe('refresh tokens', () => {
    it('rotates; reusing a rotated token after the grace window revokes the whole family', async () => {
      const tokens = await authorizeWithForms(t, { email: user.email });
      const r1 = await refresh(t, tokens.clientId, tokens.refresh_token);
      assert.equal(r1.status, 200);
      assert.equal(r1.headers.get('cache-control'), 'no-store');
      const r2 = await refresh(t, tokens.clientId, r1.body.refresh_token as string);
      assert.equal(r2.status, 200);
      // The first token's successor has been used, so presenting it again is theft, not a retry.
      const reuse = await refresh(t, tokens.clientId, tokens.refresh_token);
      assert.equal(reuse.body.error, 'invalid_grant');
      assert.equal(await mcpStatus(t, r2.body.access_token as string), 401);
      const afterwards = await refresh(t, tokens.clientId, r2.body.refresh_token as string);
      assert.equal(afterwards.body.error, 'invalid_grant');
    });

    it('gives concurrent refreshes by the same client the same successor', async () => {
      const tokens = await authorizeWithForms(t, { email: user.email });
      const results = await Promise.all([1, 2, 3].map(() => refresh(t, tokens.clientId, tokens.refresh_token)));
      for (const r of results) assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(new Set(results.map((r) => r.body.refresh_token)).size, 1);
      for (const r of results) assert.equal(await mcpStatus(t, r.body.access_token as string), 200);
      // A plain retry a moment later still gets the same successor, not a revocation.
      const retry = await refresh(t, tokens.clientId, tokens.refresh_token);
      assert.equal(retry.body.refresh_token, results[0]!.body.refresh_token);
      const next = await refresh(t, tokens.clientId, retry.body.refresh_token as string);
      assert.equal(next.status, 200);
    });

    it('refuses another client, a wider scope and another resource; narrows scope', async () => {
      const tokens = await authorizeWithForms(t, { email: user.email, scope: 'mcp:read mcp:write' });
      const other = await registerClient(t);
      let r = await refresh(t, other.clientId, tokens.refresh_token);
      assert.equal(r.body.error, 'invalid_grant');
      r = await refresh(t, tokens.clientId, tokens.refresh_token, { resource: 'https://evil.example/mcp' });
      assert.equal(r.body.error, 'invalid_target');
      r = await refresh(t, tokens.clientId, tokens.refresh_token, { scope: 'mcp:read' });
      assert.equal(r.status, 200);
      assert.equal(r.body.scope, 'mcp:read');
      r = await refresh(t, tokens.clientId, r.body.refresh_token as string, { scope: 'mcp:read mcp:write' });
      assert.equal(r.body.error, 'invalid_scope');
    });
  });

  describe('revocation', () => {
    it("answers another client's token exactly like an invalid one, revoking nothing, and kills the family for its own client", async () => {
      const tokens = await authorizeWithForms(t, { email: user.email });
      const other = await registerClient(t);
      const [header, payload] = tokens.access_token.split('.');
      const probes: [string, string][] = [
        ["other client's refresh token", tokens.refresh_token],
        ["other client's access token", tokens.access_token],
        ['unknown opaque token', randomBytes(32).toString('base64url')],
        ['truncated refresh token', tokens.refresh_token.slice(0, -2)],
        ['refresh token with a flipped character', tokens.refresh_token.slice(0, -1) + (tokens.refresh_token.endsWith('A') ? 'B' : 'A')],
        ['access token with a forged signature', `${header}.${payload}.${randomBytes(64).toString('base64url')}`],
        ['not a token at all', 'not-a-token-we-issued'],
        ['a long string', 'x'.repeat(4000)],
      ];
      const answers = new Set<string>();
      for (const [label, token] of probes) {
        const r = await revoke(t, other.clientId, token);
        answers.add(JSON.stringify({ status: r.status, body: r.body }));
        assert.equal(r.status, 200, label);
      }
      assert.deepEqual([...answers], [JSON.stringify({ status: 200, body: {} })]);
      assert.equal(await mcpStatus(t, tokens.access_token), 200);
      assert.equal((await refresh(t, tokens.clientId, tokens.refresh_token)).status, 200);

      const fresh = await authorizeWithForms(t, { email: user.email });
      let r = await revoke(t, fresh.clientId, 'not-a-token-we-issued');
      assert.equal(r.status, 200);
      r = await revoke(t, fresh.clientId, fresh.access_token);
      assert.equal(r.status, 200);
      assert.equal(await mcpStatus(t, fresh.access_token), 401);
      const again = await refresh(t, fresh.clientId, fresh.refresh_token);
      assert.equal(again.body.error, 'invalid_grant');
    });
  });

  describe('forged tokens at /mcp', () => {
    it('refuses alg none, HS256 with the public key, an unknown key, wrong typ, iss or aud', async () => {
      const tokens = await authorizeWithForms(t, { email: user.email });
      const [headerPart, payloadPart] = tokens.access_token.split('.');
      const header = JSON.parse(Buffer.from(headerPart!, 'base64url').toString());
      const claims = JSON.parse(Buffer.from(payloadPart!, 'base64url').toString());
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const forged: [string, string][] = [['alg none', `${b64({ alg: 'none', typ: 'at+jwt' })}.${payloadPart}.`]];
      const jwks = await json(await fetch(`${t.url}/oauth/jwks`));
      const publicPem = createPublicKey({ key: jwks.keys[0], format: 'jwk' }).export({ format: 'pem', type: 'spki' }) as string;
      forged.push(['HS256 with the public key', await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: header.kid }).sign(Buffer.from(publicPem))]);
      const stranger = generateKeyPairSync('ed25519').privateKey;
      forged.push(['unknown key with a real kid', await new SignJWT(claims).setProtectedHeader(header).sign(stranger)]);
      const { privateKey, kid } = await t.get(SigningKeysService).activeKey();
      forged.push(['wrong typ', await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid }).sign(privateKey)]);
      forged.push(['wrong iss', await new SignJWT({ ...claims, iss: 'https://evil.example' }).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid }).sign(privateKey)]);
      forged.push(['wrong aud', await new SignJWT({ ...claims, aud: 'https://evil.example/mcp' }).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid }).sign(privateKey)]);
      forged.push(['tampered payload', `${headerPart}.${b64({ ...claims, org_id: 'another-org' })}.${tokens.access_token.split('.')[2]}`]);
      for (const [what, token] of forged) assert.equal(await mcpStatus(t, token), 401, what);
      assert.equal(await mcpStatus(t, tokens.access_token), 200);
    });
  });

  describe('web sign-in', () => {
    it('keeps return_to on this site', async () => {
      for (const evil of ['//evil.example/x', 'https://evil.example/x', '/\\evil.example', 'javascript:alert(1)', '/%2F%2Fevil.example']) {
        const browser = new Browser(t.url);
        const res = await signIn(browser, `/sign-in?${new URLSearchParams({ return_to: evil })}`, user.email);
        assert.equal(res.status, 303);
        const location = res.headers.get('location')!;
        assert.ok(location.startsWith('/') && !location.startsWith('//'), `${evil} -> ${location}`);
        assert.equal(new URL(location, t.url).origin, t.url);
      }
    });

    it('refuses a sign-in POST without the CSRF token', async () => {
      const browser = new Browser(t.url);
      await browser.get('/sign-in');
      const res = await browser.post('/sign-in', { email: user.email, password: TEST_PASSWORD });
      assert.equal(res.status, 403);
      assert.equal(browser.cookie('ow_session'), undefined);
    });

    it('rate limits failed attempts per account and per IP with 429 and Retry-After', async () => {
      const victim = await createUser(t);
      // Random documentation addresses: counters may live in a shared Redis between runs.
      const address = () => `2001:db8::${randomBytes(4).toString('hex').replace(/(....)(....)/, '$1:$2')}`;
      const ip = { 'x-forwarded-for': address() };
      const browser = new Browser(t.url);
      for (let i = 0; i < 5; i++) assert.equal((await signIn(browser, '/sign-in', victim.email, 'wrong password!', ip)).status, 401);
      // Even the right password waits now, from any address.
      const blocked = await signIn(browser, '/sign-in', victim.email, TEST_PASSWORD, { 'x-forwarded-for': address() });
      assert.equal(blocked.status, 429);
      assert.ok(Number(blocked.headers.get('retry-after')) > 0);
      assertPageHeaders(blocked);

      const sprayer = { 'x-forwarded-for': address() };
      for (let i = 0; i < 20; i++) await signIn(browser, '/sign-in', `${unique('nobody')}@example.com`, 'wrong password!', sprayer);
      const fromSprayer = await signIn(browser, '/sign-in', user.email, TEST_PASSWORD, sprayer);
      assert.equal(fromSprayer.status, 429);
      const fromElsewhere = await signIn(new Browser(t.url), '/sign-in', user.email, TEST_PASSWORD, { 'x-forwarded-for': address() });
      assert.equal(fromElsewhere.status, 303);
    });

    it('signs out: the session ends and MCP access issued under it stops at once', async () => {
      const tokens = await authorizeWithForms(t, { email: user.email });
      const account = await tokens.browser.get('/account');
      assertPageHeaders(account);
      const form = formWithButton(await account.text(), 'Sign out');
      const res = await tokens.browser.post(form.action, form.hidden);
      assert.equal(res.status, 303);
      assert.equal(await mcpStatus(t, tokens.access_token), 401);
      assert.equal((await tokens.browser.get('/account')).status, 303);
    });
  });

  describe('account page', () => {
    it('lists sessions and connected clients; Revoke takes effect at once', async () => {
      const tokens = await authorizeWithForms(t, { email: user.email });
      const second = await authorizeWithForms(t, { email: user.email, browser: tokens.browser });
      let page = await (await tokens.browser.get('/account')).text();
      assert.match(page, /Test MCP Client/);
      assert.match(page, new RegExp(orgName));
      assert.match(page, /this browser/);
      // The first Revoke button is the most recently connected client: `second`.
      const form = formWithButton(page, 'Revoke');
      assert.match(form.action, /^\/account\/clients\//);
      let res = await tokens.browser.post(form.action, {});
      assert.equal(res.status, 403);
      res = await tokens.browser.post(form.action, form.hidden);
      assert.equal(res.status, 303);
      assert.equal(await mcpStatus(t, second.access_token), 401);
      assert.equal(await mcpStatus(t, tokens.access_token), 200);

      // Someone else's account page cannot revoke this user's client, even with a valid form of their own.
      const intruder = await createUser(t);
      await createOrg(t, intruder);
      const theirs = await authorizeWithForms(t, { email: intruder.email });
      const tokensGrant = JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString()).gid as string;
      const theirForm = formWithButton(await (await theirs.browser.get('/account')).text(), 'Revoke');
      res = await theirs.browser.post(`/account/clients/${tokensGrant}/revoke`, theirForm.hidden);
      assert.equal(res.status, 303);
      assert.equal(await mcpStatus(t, tokens.access_token), 200);

      // Revoking the session ends every client connected through it.
      const elsewhere = new Browser(t.url);
      await signIn(elsewhere, '/sign-in', user.email);
      page = await (await elsewhere.get('/account')).text();
      const sessionId = JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString()).sid as string;
      res = await elsewhere.post(`/account/sessions/${sessionId}/revoke`, { csrf: formWithButton(page, 'Sign out').hidden.csrf! });
      assert.equal(res.status, 303);
      assert.equal(await mcpStatus(t, tokens.access_token), 401);
    });
  });

  describe('desktop token exchange', () => {
    it('exchanges a live web session for an org-scoped token, per organization', async () => {
      const owner = await createUser(t);
      const first = await createOrg(t, owner, { name: unique('Desk One ') });
      const otherOwner = await createUser(t);
      const second = await createOrg(t, otherOwner, { name: unique('Desk Two ') });
      await addMember(t, second.slug, owner);
      const notMine = await createOrg(t, otherOwner, { name: unique('Desk Three ') });
      const browser = new Browser(t.url);
      await signIn(browser, '/sign-in', owner.email);
      const sessionToken = decodeURIComponent(browser.cookie('ow_session')!);
      const exchange = (org: string, extra: Record<string, string> = {}) =>
        tokenRequest(t, { grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', client_id: DESKTOP_CLIENT_ID, subject_token: sessionToken, subject_token_type: TOKEN_TYPE_SESSION, org, ...extra });

      let r = await exchange(first.slug);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.issued_token_type, 'urn:ietf:params:oauth:token-type:access_token');
      let mcp = await connectWithToken(t.url, r.body.access_token as string);
      assert.equal((await callTool<{ organization: { id: string } }>(mcp, 'get_current_identity')).data.organization.id, first.id);
      await mcp.close();
      r = await exchange(second.id);
      mcp = await connectWithToken(t.url, r.body.access_token as string);
      assert.equal((await callTool<{ organization: { id: string }; role: string }>(mcp, 'get_current_identity')).data.organization.id, second.id);
      await mcp.close();
      const secondToken = r.body.access_token as string;

      assert.equal((await exchange(notMine.slug)).body.error, 'invalid_grant');
      assert.equal((await exchange(first.slug, { subject_token_type: 'urn:ietf:params:oauth:token-type:access_token' })).body.error, 'invalid_request');
      assert.equal((await exchange(first.slug, { subject_token: 'stolen-or-made-up' })).body.error, 'invalid_grant');
      const registered = await registerClient(t);
      assert.equal((await exchange(first.slug, { client_id: registered.clientId })).body.error, 'unauthorized_client');

      // Losing the membership: no new token, and the old one stops working.
      await t.get(PrismaService).membership.delete({ where: { orgId_userId: { orgId: second.id, userId: owner.id } } });
      assert.equal((await exchange(second.slug)).body.error, 'invalid_grant');
      assert.equal(await mcpStatus(t, secondToken), 401);

      const signOut = formWithButton(await (await browser.get('/account')).text(), 'Sign out');
      await browser.post(signOut.action, signOut.hidden);
      assert.equal((await exchange(first.slug)).body.error, 'invalid_grant');
    });
  });

  describe('client ID metadata documents', () => {
    it('never fetches private, loopback or link-local targets', async () => {
      let connections = 0;
      const server = createServer((socket) => {
        connections++;
        socket.destroy();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as { port: number }).port;
      const fetcher = t.get(ClientMetadataFetcher) as unknown as { resolve: (host: string) => Promise<{ address: string; family: number }[]> };
      const realResolve = fetcher.resolve;
      // DNS answers that embed or route to IPv4 hosts which are not public.
      const answers: Record<string, { address: string; family: number }[]> = {
        'rebinding.example': [{ address: '93.184.216.34', family: 4 }, { address: '10.1.2.3', family: 4 }],
        'nat64.example': [{ address: '64:ff9b::a9fe:a9fe', family: 6 }],
        'nat64-local.example': [{ address: '64:ff9b:1::808:808', family: 6 }],
        'six-to-four.example': [{ address: '2002:7f00:1::1', family: 6 }],
        'teredo.example': [{ address: '2001:0:4136:e378:8000:63bf:80ff:fffe', family: 6 }],
        'compatible.example': [{ address: '::7f00:1', family: 6 }],
        'relay.example': [{ address: '192.88.99.1', family: 4 }],
      };
      fetcher.resolve = async (host: string) => answers[host] ?? realResolve(host);
      try {
        for (const clientId of [
          `https://127.0.0.1:${port}/client.json`,
          `https://localhost:${port}/client.json`,
          'https://169.254.169.254/latest/meta-data',
          'https://[::1]/client.json',
          'https://10.0.0.1/client.json',
          'https://[::ffff:7f00:1]/client.json',
          'https://rebinding.example/client.json',
          ...Object.keys(answers).map((host) => `https://${host}/client.json`),
          'https://[64:ff9b::7f00:1]/client.json',
          'https://[2002:a9fe:a9fe::1]/client.json',
          'https://192.88.99.7/client.json',
        ]) {
          const res = await fetch(authorizeUrl(t, authorizeParams(clientId, 'http://127.0.0.1:1/cb')), { redirect: 'manual' });
          assert.equal(res.status, 400, clientId);
          assert.equal(res.headers.get('location'), null);
          assert.match(await res.text(), /non-public address/, clientId);
        }
        // Non-canonical spellings never get as far as the guard.
        for (const clientId of ['https://example.com', 'https://user@example.com/c.json', 'https://example.com/c.json#x', 'https://0x7f.1/client.json', 'https://2130706433/client.json']) {
          const res = await fetch(authorizeUrl(t, authorizeParams(clientId, 'http://127.0.0.1:1/cb')), { redirect: 'manual' });
          assert.equal(res.status, 400, clientId);
        }
        assert.equal(connections, 0);
      } finally {
        fetcher.resolve = realResolve;
        server.close();
      }
    });

    it('uses a valid fetched document as the client, cached, and refuses one that names another id', async () => {
      const fetcher = t.get(ClientMetadataFetcher);
      const realFetch = fetcher.fetch;
      const clientId = `https://tools.example/${unique('client')}.json`;
      let fetches = 0;
      fetcher.fetch = async (url: string) => {
        fetches++;
        if (url.endsWith('/liar.json')) return { body: { client_id: 'https://other.example/c.json', redirect_uris: ['http://127.0.0.1/cb'] }, maxAgeSeconds: null };
        return { body: { client_id: url, client_name: 'Metadata Client', redirect_uris: ['http://127.0.0.1:7777/cb'] }, maxAgeSeconds: 600 };
      };
      try {
        const tokens = await authorizeWithForms(t, { email: user.email, clientId, redirectUri: 'http://127.0.0.1:7777/cb' });
        assert.equal(await mcpStatus(t, tokens.access_token), 200);
        const r = await refresh(t, clientId, tokens.refresh_token);
        assert.equal(r.status, 200);
        assert.equal(fetches, 1);
        const liar = await fetch(authorizeUrl(t, authorizeParams('https://tools.example/liar.json', 'http://127.0.0.1/cb')), { redirect: 'manual' });
        assert.equal(liar.status, 400);
        assert.match(await liar.text(), /own URL/);
      } finally {
        fetcher.fetch = realFetch;
      }
    });
  });
});

describe('OAuth over time', () => {
  let t: TestApp;
  let user: Account;
  before(async () => {
    t = await startTestApp();
    user = await createUser(t);
    await createOrg(t, user);
  });
  after(() => t.close());

  it('refuses a code older than 10 minutes and an access token after 15 minutes', async () => {
    const a = await authorizeCode(t, { email: user.email });
    const tokens = await authorizeWithForms(t, { email: user.email, browser: a.browser });
    t.get(Clock).advance(10 * 60 * 1000 + 1000);
    const r = await exchangeCode(t, a);
    assert.equal(r.body.error, 'invalid_grant');
    assert.match(String(r.body.error_description), /expired/);
    t.get(Clock).advance(5 * 60 * 1000);
    assert.equal(await mcpStatus(t, tokens.access_token), 401);
    const refreshed = await refresh(t, tokens.clientId, tokens.refresh_token);
    assert.equal(refreshed.status, 200);
    assert.equal(await mcpStatus(t, refreshed.body.access_token as string), 200);
  });
});

describe('cookies behind an https PUBLIC_URL', () => {
  it('are Secure, HttpOnly and SameSite=Lax', async () => {
    const t = await startTestApp({ env: { PUBLIC_URL: 'https://mcp.example.test' } });
    try {
      const port = (t.app.getHttpServer().address() as AddressInfo).port;
      const browser = new Browser(`http://127.0.0.1:${port}`);
      const user = await createUser(t);
      const res = await signIn(browser, '/sign-in', user.email);
      assert.equal(res.status, 303);
      const session = res.headers.getSetCookie().find((c) => c.startsWith('ow_session='));
      assert.ok(session);
      assert.match(session, /; Secure/);
      assert.match(session, /; HttpOnly/);
      assert.match(session, /; SameSite=Lax/);
    } finally {
      await t.close();
    }
  });
});
