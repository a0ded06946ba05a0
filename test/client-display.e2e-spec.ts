import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Account } from '@app/identity';
import { ClientMetadataFetcher, type FetchedMetadata } from '@app/oauth';
import { PrismaService } from '@app/shared';
import { createOrg, createUser } from './support/fixtures.js';
import { authorizeUrl, Browser, pkce, signIn } from './support/oauth-flow.js';
import { startTestApp, unique, type TestApp } from './support/test-app.js';

// Characters that change what a person reads without showing themselves.
const BIDI = ['\u202E', '\u202D', '\u202A', '\u202B', '\u202C', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'];
const ZERO_WIDTH_AND_FORMAT = ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u180E', '\u00AD', '\u{E0041}', '\u{E007F}', '\uFFF9'];
const LINE_BREAKS = ['\n', '\r', '\r\n', '\u0085', '\u2028', '\u2029', '\u000B', '\u000C'];
const CONTROLS = ['\u0001', '\u0007', '\u001B', '\u007F', '\u009B', '\uE000', '\uF8FF'];
const HIDDEN = [...BIDI, ...ZERO_WIDTH_AND_FORMAT, ...LINE_BREAKS, ...CONTROLS];
// Names with nothing a person can see.
const BLANK_NAMES = ['\u3164', '\u115F\u1160', '\u2800\u2800', '\uFFA0', '\u034F', '\uFE0F', ' \u3164 ', '\u0301\u0301', '\u17B4'];
const FIELDS = ['client_name', 'client_uri', 'logo_uri', 'software_id', 'software_version'];

function hostileValue(field: string, char: string, position: number): string {
  const base = field.endsWith('_uri') ? 'https://tools.example/app' : 'Good App';
  const at = [0, 4, base.length][position]!;
  return `${base.slice(0, at)}${char}${base.slice(at)}`;
}

// Each registration from its own documentation address (trusted from loopback): the per-address
// registration limit is not what these cases test.
function address(): string {
  return `2001:db8::${randomBytes(4).toString('hex').replace(/(....)(....)/, '$1:$2')}`;
}

async function register(t: TestApp, metadata: Record<string, unknown>) {
  const res = await fetch(`${t.url}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address() },
    body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:8976/callback'], token_endpoint_auth_method: 'none', ...metadata }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

describe('what a client shows about itself on the consent page', () => {
  let t: TestApp;
  let user: Account;
  let prisma: PrismaService;

  before(async () => {
    t = await startTestApp();
    prisma = t.get(PrismaService);
    user = await createUser(t);
    await createOrg(t, user);
  });
  after(() => t.close());

  async function consentPage(clientId: string, redirectUri: string): Promise<string> {
    const browser = new Browser(t.url);
    const query = { response_type: 'code', client_id: clientId, redirect_uri: redirectUri, code_challenge: pkce().challenge, code_challenge_method: 'S256', state: 's' };
    let res = await browser.get(authorizeUrl(t, query));
    assert.equal(res.status, 303, await res.clone().text());
    res = await signIn(browser, res.headers.get('location')!, user.email);
    assert.equal(res.status, 303);
    const page = await browser.get(res.headers.get('location')!);
    assert.equal(page.status, 200);
    return page.text();
  }

  it('refuses bidi, zero-width, line-break, control and private-use characters in every displayed field at registration', async () => {
    const marker = unique('Refused ');
    let tried = 0;
    for (const field of FIELDS) {
      for (const char of HIDDEN) {
        for (const position of [0, 1, 2]) {
          const value = hostileValue(field, char, position);
          const metadata = field === 'client_name' ? { client_name: `${marker}${value}` } : { client_name: marker, [field]: value };
          const res = await register(t, metadata);
          const label = `${field} with U+${char.codePointAt(0)!.toString(16).toUpperCase()} at ${position}`;
          assert.equal(res.status, 400, label);
          assert.equal(res.body.error, 'invalid_client_metadata', label);
          assert.match(res.body.error_description!, new RegExp(field), label);
          tried++;
        }
      }
    }
    assert.ok(tried > 500);
    assert.equal(await prisma.oAuthClient.count({ where: { clientName: { startsWith: marker } } }), 0);
  });

  it('refuses names that show nothing', async () => {
    for (const name of BLANK_NAMES) {
      const res = await register(t, { client_name: name });
      assert.equal(res.status, 400, JSON.stringify(name));
      assert.equal(res.body.error, 'invalid_client_metadata', JSON.stringify(name));
    }
  });

  it('refuses a redirect URI carrying hidden characters', async () => {
    for (const char of [...BIDI, '\u200B', '\u2028']) {
      const res = await register(t, { client_name: 'Good App', redirect_uris: [`http://127.0.0.1:8976/cb${char}x`] });
      assert.equal(res.status, 400);
      assert.equal(res.body.error, 'invalid_redirect_uri');
    }
  });

  it('accepts names in any script, with emoji and punctuation, and shows them isolated and marked Unverified app', async () => {
    for (const name of ['Café Ünïcode', '日本語クライアント', 'עברית לקוח', 'مرحبا بالعالم', 'Agent 🤖', "O'Brien – tools (beta) v2.0"]) {
      const res = await register(t, { client_name: name });
      assert.equal(res.status, 201, `${name}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.client_name, name);
    }
    const client = await register(t, { client_name: 'עברית לקוח' });
    const page = await consentPage(client.body.client_id!, 'http://127.0.0.1:8976/callback');
    assert.match(page, /<h1>Allow <bdi>עברית לקוח<\/bdi> to use OpenWork Cloud\?<\/h1>/);
    assert.match(page, />Unverified app</);
  });

  it('marks a dynamically registered client Unverified app on the consent page', async () => {
    const client = await register(t, { client_name: unique('Dynamic ') });
    const page = await consentPage(client.body.client_id!, 'http://127.0.0.1:8976/callback');
    assert.match(page, /<span class="badge">Unverified app<\/span>/);
  });

  describe('client ID metadata documents', () => {
    let restore: () => void;
    const documents = new Map<string, Record<string, unknown>>();
    before(() => {
      const fetcher = t.get(ClientMetadataFetcher);
      const realFetch = fetcher.fetch.bind(fetcher);
      fetcher.fetch = async (url: string): Promise<FetchedMetadata> => {
        const body = documents.get(url);
        return body ? { body, maxAgeSeconds: 600 } : realFetch(url);
      };
      restore = () => {
        fetcher.fetch = realFetch;
      };
    });
    after(() => restore());

    it('refuses a document whose displayed fields carry hidden characters, and caches nothing', async () => {
      for (const field of FIELDS) {
        for (const char of ['\u202E', '\u200B', '\n', '\u0007', '\u2066']) {
          const clientId = `https://tools.example/${unique('doc')}.json`;
          const name = field === 'client_name' ? hostileValue(field, char, 1) : 'Document App';
          documents.set(clientId, { client_id: clientId, redirect_uris: ['http://127.0.0.1:7777/cb'], client_name: name, ...(field !== 'client_name' && { [field]: hostileValue(field, char, 1) }) });
          const res = await fetch(authorizeUrl(t, { response_type: 'code', client_id: clientId, redirect_uri: 'http://127.0.0.1:7777/cb', code_challenge: pkce().challenge, code_challenge_method: 'S256' }), { redirect: 'manual' });
          assert.equal(res.status, 400, `${field} ${JSON.stringify(char)}`);
          assert.equal(res.headers.get('location'), null);
          assert.match(await res.text(), new RegExp(`invalid.*${field}`), field);
          assert.equal(await prisma.oAuthClient.count({ where: { id: clientId } }), 0);
        }
      }
      const blank = `https://tools.example/${unique('blank')}.json`;
      documents.set(blank, { client_id: blank, redirect_uris: ['http://127.0.0.1:7777/cb'], client_name: '\u3164\u3164' });
      const res = await fetch(authorizeUrl(t, { response_type: 'code', client_id: blank, redirect_uri: 'http://127.0.0.1:7777/cb', code_challenge: pkce().challenge, code_challenge_method: 'S256' }), { redirect: 'manual' });
      assert.equal(res.status, 400);
    });

    it('marks a metadata-document client Unverified app on the consent page', async () => {
      const clientId = `https://tools.example/${unique('fine')}.json`;
      documents.set(clientId, { client_id: clientId, redirect_uris: ['http://127.0.0.1:7777/cb'], client_name: 'Published App' });
      const page = await consentPage(clientId, 'http://127.0.0.1:7777/cb');
      assert.match(page, /<bdi>Published App<\/bdi>/);
      assert.match(page, /<span class="badge">Unverified app<\/span>/);
    });
  });
});
