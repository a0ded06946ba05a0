import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import { callTool, connectWithToken, rawMcp } from './support/mcp.js';
import { addMember, createOrg, createUser, TEST_PASSWORD } from './support/fixtures.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { answerConsent, Browser, FormDrivingOAuthProvider, signIn } from './support/oauth-flow.js';
import { startTestApp, unique, type TestApp } from './support/test-app.js';

describe('OAuth with a strict independent client (oauth4webapi)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('discovers, registers, authorizes through the pages, exchanges, refreshes and calls /mcp', async () => {
    const owner = await createUser(t, { name: 'Olga Owner' });
    const other = await createUser(t);
    await createOrg(t, other, { name: unique('Other Org ') });
    const orgName = unique('Strict Org ');
    const org = await createOrg(t, owner, { name: orgName });
    const secondOrg = await createOrg(t, other, { name: unique('Second Org ') });
    await addMember(t, secondOrg.slug, owner);

    const insecure = { [oauth.allowInsecureRequests]: true };
    const issuer = new URL(t.url);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
    assert.equal(as.issuer, t.url);
    assert.deepEqual(as.code_challenge_methods_supported, ['S256']);
    assert.equal(as.authorization_response_iss_parameter_supported, true);

    const redirectUri = 'http://127.0.0.1:53682/oauth/callback';
    const registered = await oauth.processDynamicClientRegistrationResponse(
      await oauth.dynamicClientRegistrationRequest(as, { redirect_uris: [redirectUri], client_name: 'Strict Client', token_endpoint_auth_method: 'none' }, insecure),
    );
    const client: oauth.Client = { client_id: registered.client_id, token_endpoint_auth_method: 'none' };

    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const authUrl = new URL(as.authorization_endpoint!);
    authUrl.search = new URLSearchParams({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: redirectUri,
      scope: 'mcp:read mcp:write offline_access',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      resource: t.config.mcpResourceUrl,
    }).toString();

    const browser = new Browser(t.url);
    let res = await browser.get(authUrl.href);
    assert.equal(res.status, 303);
    assert.match(res.headers.get('location')!, /^\/sign-in\?/);
    res = await signIn(browser, res.headers.get('location')!, owner.email, TEST_PASSWORD);
    assert.equal(res.status, 303);
    const consentLocation = res.headers.get('location')!;
    const consent = await (await browser.get(consentLocation)).text();
    assert.match(consent, /Strict Client/);
    assert.match(consent, /127\.0\.0\.1:53682/);
    assert.match(consent, /mcp:write/);
    assert.match(consent, new RegExp(secondOrg.name));
    res = await answerConsent(browser, consentLocation, orgName, 'Allow');
    assert.equal(res.status, 303);

    const params = oauth.validateAuthResponse(as, client, new URL(res.headers.get('location')!), state);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, verifier, { ...insecure, additionalParameters: { resource: t.config.mcpResourceUrl } }),
    );
    assert.equal(tokens.token_type, 'bearer');
    assert.equal(tokens.expires_in, 900);
    assert.ok(tokens.refresh_token);
    assert.equal(tokens.scope, 'mcp:read mcp:write offline_access');

    const [header, payload] = tokens.access_token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    assert.equal(header.alg, 'EdDSA');
    assert.equal(header.typ, 'at+jwt');
    assert.ok(header.kid);
    assert.equal(payload.iss, t.url);
    assert.equal(payload.aud, t.config.mcpResourceUrl);
    assert.equal(payload.sub, owner.id);
    assert.equal(payload.org_id, org.id);
    assert.equal(payload.client_id, client.client_id);
    assert.equal(payload.exp - payload.iat, 900);
    assert.ok(payload.jti && payload.sid);

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, insecure),
    );
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
    assert.notEqual(refreshed.access_token, tokens.access_token);

    const mcp = await connectWithToken(t.url, refreshed.access_token);
    const { data, isError } = await callTool<{ organization: { id: string }; account: { email: string }; client: { name: string }; role: string }>(mcp, 'get_current_identity');
    await mcp.close();
    assert.equal(isError, false);
    assert.equal(data.organization.id, org.id);
    assert.equal(data.account.email, owner.email);
    assert.equal(data.client.name, 'Strict Client');
    assert.equal(data.role, 'owner');

    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, oauth.None(), refreshed.refresh_token!, insecure));
    const afterRevoke = await rawMcp(t.url, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { authorization: `Bearer ${refreshed.access_token}` });
    assert.equal(afterRevoke.status, 401);
  });

  it('lets the MCP SDK\'s own OAuth client discover, register, authorize and call tools', async () => {
    const user = await createUser(t);
    const orgName = unique('SDK Org ');
    const org = await createOrg(t, user, { name: orgName });
    const provider = new FormDrivingOAuthProvider(t, { email: user.email, orgName });
    const mcpUrl = new URL(`${t.url}/mcp`);
    const first = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
    await assert.rejects(new Client({ name: 'sdk', version: '1.0.0' }).connect(first), UnauthorizedError);
    await first.finishAuth(provider.takeCode());
    assert.ok(provider.tokens()?.refresh_token);

    const client = new Client({ name: 'sdk', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
    const { data } = await callTool<{ organization: { id: string }; client: { name: string } }>(client, 'get_current_identity');
    await client.close();
    assert.equal(data.organization.id, org.id);
    assert.equal(data.client.name, 'SDK Test Client');
  });
});
