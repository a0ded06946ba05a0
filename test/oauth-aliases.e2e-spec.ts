import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createOrg, createUser } from './support/fixtures.js';
import { connectWithToken } from './support/mcp.js';
import { answerConsent, Browser, pkce, signIn } from './support/oauth-flow.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// The default paths MCP clients fall back to when metadata discovery fails (and that some refresh at without
// re-running it) answer exactly like the canonical endpoints.
describe('OAuth aliases /authorize, /token and /register', () => {
  let t: TestApp;

  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const form = (fields: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  async function answer(path: string, init: RequestInit = {}) {
    const res = await fetch(`${t.url}${path}`, { redirect: 'manual', ...init });
    const text = await res.text();
    const headers = Object.fromEntries(['content-type', 'cache-control', 'location', 'access-control-allow-origin', 'www-authenticate'].map((h) => [h, res.headers.get(h)]));
    return { status: res.status, headers, text };
  }

  it('runs the whole flow through the aliases: register, authorize, sign in, consent, token, refresh, then /mcp', async () => {
    const owner = await createUser(t);
    const org = await createOrg(t, owner);
    const registered = await fetch(`${t.url}/register`, json({ client_name: 'Fallback client', redirect_uris: ['http://127.0.0.1:8976/callback'], token_endpoint_auth_method: 'none' }));
    assert.equal(registered.status, 201);
    const client = (await registered.json()) as { client_id: string; redirect_uris: string[] };
    const redirectUri = client.redirect_uris[0]!;
    const browser = new Browser(t.url);
    const { verifier, challenge } = pkce();
    const state = randomBytes(8).toString('hex');
    const query = new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256', state, scope: 'mcp:read mcp:write', resource: t.config.mcpResourceUrl });
    let res = await browser.get(`/authorize?${query}`);
    assert.equal(res.status, 303, await res.clone().text());
    res = await signIn(browser, res.headers.get('location')!, owner.email);
    assert.equal(res.status, 303);
    res = await answerConsent(browser, res.headers.get('location')!, org.name, 'Allow');
    const callback = new URL(res.headers.get('location')!);
    assert.equal(callback.searchParams.get('state'), state);
    const code = callback.searchParams.get('code')!;
    const exchanged = await answer('/token', form({ grant_type: 'authorization_code', client_id: client.client_id, redirect_uri: redirectUri, code, code_verifier: verifier }));
    assert.equal(exchanged.status, 200, exchanged.text);
    assert.equal(exchanged.headers['cache-control'], 'no-store');
    const tokens = JSON.parse(exchanged.text) as { access_token: string; refresh_token: string };
    const refreshed = await answer('/token', form({ grant_type: 'refresh_token', client_id: client.client_id, refresh_token: tokens.refresh_token }));
    assert.equal(refreshed.status, 200, refreshed.text);
    const mcp = await connectWithToken(t.url, (JSON.parse(refreshed.text) as { access_token: string }).access_token);
    assert.ok((await mcp.listTools()).tools.length > 0);
    await mcp.close();
    // The code was single-use through the alias as well.
    const replay = await answer('/oauth/token', form({ grant_type: 'authorization_code', client_id: client.client_id, redirect_uri: redirectUri, code, code_verifier: verifier }));
    assert.equal(replay.status, 400);
    assert.equal(JSON.parse(replay.text).error, 'invalid_grant');
  });

  it('refuses bad requests at an alias exactly as at the canonical endpoint', async () => {
    const { client_id: clientId } = (await (await fetch(`${t.url}/oauth/register`, json({ client_name: 'C', redirect_uris: ['http://127.0.0.1:1/cb'], token_endpoint_auth_method: 'none' }))).json()) as { client_id: string };
    const cases: Array<[string, RequestInit, string]> = [
      ['token', form({ grant_type: 'authorization_code', client_id: clientId, code: 'nope', code_verifier: 'x'.repeat(43), redirect_uri: 'http://127.0.0.1:1/cb' }), 'unknown code'],
      ['token', form({ grant_type: 'password', client_id: clientId, username: 'a', password: 'b' }), 'unsupported grant'],
      ['token', form({ grant_type: 'refresh_token', client_id: 'unknown-client', refresh_token: 'x' }), 'unknown client'],
      ['token', json({ grant_type: 'refresh_token' }), 'JSON body'],
      ['token', { method: 'POST' }, 'no body'],
      ['token', { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } }, 'preflight'],
      ['register', json('{not json'), 'malformed JSON'],
      ['register', json({ client_name: 'x', redirect_uris: ['javascript:alert(1)'] }), 'bad redirect URI'],
      ['register', json({ client_name: 'x' }), 'no redirect URIs'],
      ['authorize', {}, 'no parameters'],
      ['authorize?response_type=code&client_id=unknown&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fcb', {}, 'unknown client'],
      [`authorize?response_type=token&client_id=${clientId}&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fcb`, {}, 'implicit flow'],
    ];
    for (const [path, init, label] of cases) {
      const canonical = await answer(`/oauth/${path}`, init);
      const alias = await answer(`/${path}`, init);
      assert.notEqual(canonical.status, 404, `${label}: the canonical endpoint answers`);
      assert.deepEqual(alias, canonical, `/${path} (${label}) answers like /oauth/${path}`);
    }
  });

  it('aliases only those three paths, spelled exactly', async () => {
    for (const path of ['/revoke', '/consent', '/jwks', '/TOKEN', '/token/', '/registers', '/authorize/x']) {
      const res = await fetch(`${t.url}${path}`, { redirect: 'manual', ...form({ grant_type: 'refresh_token' }) });
      assert.equal(res.status, 404, path);
    }
  });
});
