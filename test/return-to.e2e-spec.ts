import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Account } from '@app/identity';
import { createUser, TEST_PASSWORD } from './support/fixtures.js';
import { Browser, formWithButton, signIn } from './support/oauth-flow.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// Pieces that, alone or after a browser's or URL parser's normalisation, turn a path into "another host".
const DOT_PREFIXES = ['', '/.', '/./', '/..', '/a/..', '/a/../', '/a/b/../..', '/%2e', '/%2E', '/.%2e', '/%2e%2E', '/a/%2e%2e', '/a/%2E%2e', '/%252e', '/a/%252e%252e', '/.;'];
const SLASHES = ['//', '///', '/\\', '\\\\', '\\/', '/%2f', '/%2F', '%2f%2f', '/%5c', '/%5C', '/%255c', '/\t/', '/\n/', '/\r\n/', '/%09/', '/%0a/', '/%0D%0A/', '/ /'];
const HOSTS = ['evil.example/x', 'user@evil.example', 'evil.example%40127.0.0.1', '@evil.example'];
const ABSOLUTE = [
  'https://evil.example/x',
  'HTTPS://evil.example',
  'https:\\\\evil.example',
  'http:evil.example',
  '  //evil.example',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'data:text/html,x',
  'https://evil.example@127.0.0.1/',
  '/\u3002evil.example',
  '%2F%2Fevil.example',
  '/%2F%2Fevil.example',
];

function hostileReturnTos(): string[] {
  const generated = DOT_PREFIXES.flatMap((dots) => SLASHES.flatMap((slash) => HOSTS.map((host) => `${dots}${slash}${host}`)));
  return [...new Set([...generated, ...ABSOLUTE])];
}

/** What a lenient browser does with `Location`: drop tabs and newlines, read backslashes as slashes. */
function assertStaysOnSite(t: TestApp, location: string | null, variant: string): void {
  assert.ok(location, `${JSON.stringify(variant)}: no Location`);
  assert.ok(location.startsWith('/') && !/^\/[\\/]/.test(location), `${JSON.stringify(variant)} -> ${JSON.stringify(location)}`);
  const lenient = location.replace(/[\t\n\r]/g, '').replace(/\\/g, '/');
  assert.equal(new URL(lenient, t.url).origin, new URL(t.url).origin, `${JSON.stringify(variant)} -> ${JSON.stringify(location)}`);
}

describe('return_to after normalisation', () => {
  let t: TestApp;
  let user: Account;
  let signedIn: Browser;
  const variants = hostileReturnTos();

  before(async () => {
    t = await startTestApp();
    user = await createUser(t);
    signedIn = new Browser(t.url);
    assert.equal((await signIn(signedIn, '/sign-in', user.email)).status, 303);
  });
  after(() => t.close());

  it(`GET /sign-in while signed in redirects on this site for ${variants.length} hostile variants`, async () => {
    assert.ok(variants.length > 1000);
    for (const variant of variants) {
      const res = await signedIn.get(`/sign-in?${new URLSearchParams({ return_to: variant })}`);
      assert.equal(res.status, 303, variant);
      assertStaysOnSite(t, res.headers.get('location'), variant);
    }
  });

  it('the sign-in form carries only an on-site return_to for every variant', async () => {
    const browser = new Browser(t.url);
    for (const variant of variants) {
      const page = await (await browser.get(`/sign-in?${new URLSearchParams({ return_to: variant })}`)).text();
      const returnTo = formWithButton(page, 'Sign in').hidden.return_to!;
      assertStaysOnSite(t, returnTo, variant);
    }
  });

  it('POST /sign-in redirects on this site for every variant sent straight in the form', async () => {
    const browser = new Browser(t.url);
    const form = formWithButton(await (await browser.get('/sign-in')).text(), 'Sign in');
    // Every password check costs a hash; a fixed spread of the variants keeps the suite fast.
    const sample = variants.filter((_, i) => i % 25 === 0).concat(ABSOLUTE, ['/.//evil.example/x', '/a/..//evil.example', '/%2e%2e//evil.example']);
    for (const variant of sample) {
      const res = await browser.post('/sign-in', { ...form.hidden, return_to: variant, email: user.email, password: TEST_PASSWORD });
      assert.equal(res.status, 303, variant);
      assertStaysOnSite(t, res.headers.get('location'), variant);
    }
  });

  it('the consent page sends a signed-out browser to sign-in with a return_to that stays on this site', async () => {
    const browser = new Browser(t.url);
    for (const variant of variants.filter((_, i) => i % 10 === 0)) {
      const res = await browser.get(`/oauth/consent?request=${encodeURIComponent(variant)}&x=${variant.replace(/[#\s]/g, '')}`);
      assert.equal(res.status, 303, variant);
      const location = res.headers.get('location')!;
      assert.match(location, /^\/sign-in\?return_to=/);
      const returnTo = new URL(location, t.url).searchParams.get('return_to')!;
      const followed = await signedIn.get(`/sign-in?${new URLSearchParams({ return_to: returnTo })}`);
      assert.equal(followed.status, 303);
      assertStaysOnSite(t, followed.headers.get('location'), variant);
    }
  });

  it('keeps legitimate paths, normalised', async () => {
    const cases: [string, string][] = [
      ['/account', '/account'],
      ['/oauth/consent?request=abc.def', '/oauth/consent?request=abc.def'],
      ['/a/../account', '/account'],
      ['/invitations/Abc_123-x', '/invitations/Abc_123-x'],
      ['/%2e/account', '/account'],
    ];
    for (const [given, expected] of cases) {
      const res = await signedIn.get(`/sign-in?${new URLSearchParams({ return_to: given })}`);
      assert.equal(res.headers.get('location'), expected, given);
    }
  });
});
