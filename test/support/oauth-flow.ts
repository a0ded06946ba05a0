import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { InMemoryOAuthClient } from './in-memory-oauth-client.js';
import type { TestApp } from './test-app.js';
import { TEST_PASSWORD } from './fixtures.js';

/**
 * Drives the server's pages the way a browser without JavaScript would: plain GETs and form POSTs,
 * cookies kept, redirects not followed (each hop is checked by the caller).
 */
export class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  async get(pathOrUrl: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.send(pathOrUrl, { method: 'GET', headers });
  }

  async post(pathOrUrl: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.send(pathOrUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  private async send(pathOrUrl: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<Response> {
    const url = new URL(pathOrUrl, this.baseUrl);
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(cookie && { cookie }), ...init.headers } });
    for (const header of res.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';');
      const [name, ...rest] = pair!.split('=');
      const value = decodeURIComponent(rest.join('='));
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), rest.join('='));
    }
    return res;
  }
}

function decodeEntities(text: string): string {
  return text.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&');
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match ? decodeEntities(match[1]!) : undefined;
}

export interface ParsedForm {
  action: string;
  hidden: Record<string, string>;
  inputs: { name: string; type: string; id?: string; value?: string; label?: string }[];
  buttons: { name?: string; value?: string; text: string }[];
}

/** The forms of a page, with each input's visible label, so tests act on what a person would see. */
export function parseForms(page: string): ParsedForm[] {
  const labels = new Map<string, string>();
  for (const m of page.matchAll(/<label[^>]*\sfor="([^"]+)"[^>]*>([\s\S]*?)<\/label>/g)) labels.set(decodeEntities(m[1]!), decodeEntities(m[2]!.replace(/<[^>]+>/g, '').trim()));
  return [...page.matchAll(/<form([^>]*)>([\s\S]*?)<\/form>/g)].map((m) => {
    const body = m[2]!;
    const inputs = [...body.matchAll(/<input[^>]*>/g)].map((i) => {
      const tag = i[0];
      const id = attribute(tag, 'id');
      return { name: attribute(tag, 'name') ?? '', type: attribute(tag, 'type') ?? 'text', id, value: attribute(tag, 'value'), label: id ? labels.get(id) : undefined };
    });
    const hidden = Object.fromEntries(inputs.filter((i) => i.type === 'hidden').map((i) => [i.name, i.value ?? '']));
    const buttons = [...body.matchAll(/<button([^>]*)>([\s\S]*?)<\/button>/g)].map((b) => ({
      name: attribute(b[1]!, 'name'),
      value: attribute(b[1]!, 'value'),
      text: decodeEntities(b[2]!.trim()),
    }));
    return { action: attribute(m[1]!, 'action') ?? '', hidden, inputs, buttons };
  });
}

export function formWithButton(page: string, text: string): ParsedForm {
  const form = parseForms(page).find((f) => f.buttons.some((b) => b.text === text));
  assert.ok(form, `no form with a "${text}" button in:\n${page.slice(0, 2000)}`);
  return form;
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export async function registerClient(t: TestApp, metadata: Record<string, unknown> = {}): Promise<{ clientId: string; redirectUri: string }> {
  const redirectUri = 'http://127.0.0.1:8976/callback';
  const res = await fetch(`${t.url}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'Test MCP Client', redirect_uris: [redirectUri], token_endpoint_auth_method: 'none', ...metadata }),
  });
  const body = (await res.json()) as { client_id: string; redirect_uris: string[] };
  assert.equal(res.status, 201, JSON.stringify(body));
  return { clientId: body.client_id, redirectUri: body.redirect_uris[0]! };
}

export function authorizeUrl(t: TestApp, params: Record<string, string | undefined>): string {
  const url = new URL(`${t.url}/oauth/authorize`);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.href;
}

/** Fills in and submits the sign-in form found on the page at `signInLocation`. Returns the POST response. */
export async function signIn(browser: Browser, signInLocation: string, email: string, password = TEST_PASSWORD, headers: Record<string, string> = {}): Promise<Response> {
  const page = await browser.get(signInLocation);
  assert.equal(page.status, 200);
  const form = formWithButton(await page.text(), 'Sign in');
  const field = (label: string) => form.inputs.find((i) => i.label === label)?.name;
  assert.equal(field('Email'), 'email');
  assert.equal(field('Password'), 'password');
  return browser.post(form.action, { ...form.hidden, email, password }, headers);
}

/** Picks the organization by its label on the consent page and presses Allow (or Deny). */
export async function answerConsent(browser: Browser, consentLocation: string, orgName: string | undefined, decision: 'Allow' | 'Deny'): Promise<Response> {
  const page = await browser.get(consentLocation);
  assert.equal(page.status, 200);
  const form = formWithButton(await page.text(), decision);
  const fields: Record<string, string> = { ...form.hidden };
  const radios = form.inputs.filter((i) => i.type === 'radio');
  const chosen = orgName === undefined ? radios[0] : radios.find((r) => r.label === orgName);
  if (decision === 'Allow') {
    assert.ok(chosen, `no organization labelled ${orgName}`);
    fields[chosen.name] = chosen.value!;
  }
  const button = form.buttons.find((b) => b.text === decision)!;
  if (button.name) fields[button.name] = button.value ?? '';
  return browser.post(form.action, fields);
}

export interface AuthorizeOptions {
  email: string;
  password?: string;
  /** The organization to pick on the consent page (by its visible label); the first one when omitted. */
  orgName?: string;
  clientId?: string;
  redirectUri?: string;
  scope?: string;
  resource?: string;
  browser?: Browser;
}

export interface AuthorizedClient {
  clientId: string;
  redirectUri: string;
  code: string;
  verifier: string;
  browser: Browser;
}

/** Registers a client (unless given), then authorize → sign-in → consent by form posts. Returns the code. */
export async function authorizeCode(t: TestApp, options: AuthorizeOptions): Promise<AuthorizedClient> {
  const client = options.clientId ? { clientId: options.clientId, redirectUri: options.redirectUri! } : await registerClient(t);
  const browser = options.browser ?? new Browser(t.url);
  const { verifier, challenge } = pkce();
  const state = randomBytes(8).toString('hex');
  let res = await browser.get(
    authorizeUrl(t, {
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: client.redirectUri,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state,
      scope: options.scope ?? 'mcp:read mcp:write',
      resource: options.resource ?? t.config.mcpResourceUrl,
    }),
  );
  assert.equal(res.status, 303, await res.clone().text());
  let location = res.headers.get('location')!;
  if (location.startsWith('/sign-in')) {
    res = await signIn(browser, location, options.email, options.password);
    assert.equal(res.status, 303, await res.clone().text());
    location = res.headers.get('location')!;
  }
  assert.match(location, /^\/oauth\/consent\?/);
  res = await answerConsent(browser, location, options.orgName, 'Allow');
  assert.equal(res.status, 303, await res.clone().text());
  const callback = new URL(res.headers.get('location')!);
  assert.equal(callback.searchParams.get('state'), state);
  assert.equal(callback.searchParams.get('iss'), t.url);
  const code = callback.searchParams.get('code');
  assert.ok(code, callback.href);
  return { ...client, code, verifier, browser };
}

export interface TokenSet {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
}

export async function tokenRequest(t: TestApp, params: Record<string, string>): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${t.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

export function exchangeCode(t: TestApp, a: Pick<AuthorizedClient, 'clientId' | 'redirectUri' | 'code' | 'verifier'>, extra: Record<string, string> = {}) {
  return tokenRequest(t, { grant_type: 'authorization_code', client_id: a.clientId, redirect_uri: a.redirectUri, code: a.code, code_verifier: a.verifier, ...extra });
}

export function refresh(t: TestApp, clientId: string, refreshToken: string, extra: Record<string, string> = {}) {
  return tokenRequest(t, { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken, ...extra });
}

/**
 * The whole browser flow plus the code exchange: what an MCP client does on first connect.
 * Returns the token response and the client it registered.
 */
export async function authorizeWithForms(t: TestApp, options: AuthorizeOptions): Promise<TokenSet & { clientId: string; redirectUri: string; browser: Browser }> {
  const authorized = await authorizeCode(t, options);
  const { status, body } = await exchangeCode(t, authorized);
  assert.equal(status, 200, JSON.stringify(body));
  return { ...(body as unknown as TokenSet), clientId: authorized.clientId, redirectUri: authorized.redirectUri, browser: authorized.browser };
}

/**
 * An MCP SDK OAuthClientProvider whose "browser" is the form-driving Browser above: when the SDK sends
 * the user to the authorization URL, it signs in, picks the organization and presses Allow, and keeps
 * the code for `transport.finishAuth(provider.takeCode())`.
 */
export class FormDrivingOAuthProvider extends InMemoryOAuthClient {
  private code: string | undefined;
  readonly browser: Browser;

  constructor(
    private readonly t: TestApp,
    private readonly user: { email: string; password?: string; orgName?: string },
    options: { redirectUrl?: string; clientName?: string } = {},
  ) {
    super(options.clientName ?? 'SDK Test Client', options.redirectUrl ?? 'http://127.0.0.1:33418/callback');
    this.browser = new Browser(t.url);
  }

  get redirectUrl(): string {
    return this.clientMetadata.redirect_uris[0]!;
  }

  state(): string {
    return randomBytes(12).toString('hex');
  }

  async redirectToAuthorization(url: URL): Promise<void> {
    let res = await this.browser.get(url.href);
    assert.equal(res.status, 303, await res.clone().text());
    let location = res.headers.get('location')!;
    if (location.startsWith('/sign-in')) {
      res = await signIn(this.browser, location, this.user.email, this.user.password);
      assert.equal(res.status, 303, await res.clone().text());
      location = res.headers.get('location')!;
    }
    res = await answerConsent(this.browser, location, this.user.orgName, 'Allow');
    const callback = new URL(res.headers.get('location')!);
    assert.equal(callback.searchParams.get('iss'), this.t.url);
    this.code = callback.searchParams.get('code') ?? undefined;
    assert.ok(this.code, callback.href);
  }

  /** The code the last authorization produced (once). */
  takeCode(): string {
    const code = this.code;
    this.code = undefined;
    assert.ok(code, 'no authorization code; did the SDK call redirectToAuthorization?');
    return code;
  }
}

/** The desktop app's path: a web session token exchanged (RFC 8693) for an access token in one organization. */
export async function desktopAccessToken(t: TestApp, sessionToken: string, org: string): Promise<string> {
  const { status, body } = await tokenRequest(t, {
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    client_id: 'openwork-desktop',
    subject_token: sessionToken,
    subject_token_type: 'urn:openwork:params:oauth:token-type:session',
    org,
  });
  assert.equal(status, 200, JSON.stringify(body));
  return body.access_token as string;
}
