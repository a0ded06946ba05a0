import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesRegisteredRedirect, redirectHost, redirectUriProblem } from './redirect-uri.js';

describe('redirect URI policy', () => {
  it('accepts loopback http on any port and private-use reverse-DNS schemes', () => {
    for (const uri of [
      'http://127.0.0.1:8976/callback',
      'http://[::1]:3000/cb',
      'http://localhost:6274/oauth/callback',
      'http://127.0.0.1/cb?x=1',
      'com.example.app:/oauth2redirect',
      'com.openwork.desktop://callback',
    ]) {
      assert.equal(redirectUriProblem(uri), null, uri);
    }
  });

  it('refuses public web, dangerous schemes and every spelling trick', () => {
    for (const uri of [
      'https://example.com/cb',
      'http://example.com/cb',
      'https://127.0.0.1/cb',
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      ' javascript:alert(1)',
      'java\tscript:alert(1)',
      'javascript://%0aalert(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'vbscript:msgbox(1)',
      'HTTP://127.0.0.1:8976/cb',
      'http://LOCALHOST:8976/cb',
      'http://127.0.0.1:8976/a/../cb',
      'http://127.0.0.1:8976/cb#frag',
      'http://127.0.0.1:8976/cb#',
      'http://user@127.0.0.1:8976/cb',
      'http://127.0.0.1.evil.com/cb',
      'http://localhost.evil/cb',
      'http://127.0.0.1:8976\\@evil.com/cb',
      'http://127.0.0.1:8976/cb\n',
      'http://2130706433/cb',
      'http://0x7f.1/cb',
      'myapp:/cb',
      '/relative/cb',
      '',
    ]) {
      assert.notEqual(redirectUriProblem(uri), null, JSON.stringify(uri));
    }
    assert.notEqual(redirectUriProblem(42), null);
  });

  it('matches exactly, except the loopback port', () => {
    const registered = ['http://127.0.0.1:8976/callback', 'com.example.app:/cb'];
    assert.ok(matchesRegisteredRedirect(registered, 'http://127.0.0.1:8976/callback'));
    assert.ok(matchesRegisteredRedirect(registered, 'http://127.0.0.1:51234/callback'));
    assert.ok(matchesRegisteredRedirect(registered, 'http://127.0.0.1/callback'));
    assert.ok(matchesRegisteredRedirect(registered, 'com.example.app:/cb'));
    for (const near of [
      'http://127.0.0.1:8976/callback/',
      'http://127.0.0.1:8976/Callback',
      'http://127.0.0.1:8976/callback?x=1',
      'http://localhost:8976/callback',
      'http://[::1]:8976/callback',
      'http://127.0.0.1:8976/other',
      'com.example.app:/cb2',
      'com.example.app:/CB',
      'com.example.apps:/cb',
    ]) {
      assert.equal(matchesRegisteredRedirect(registered, near), false, near);
    }
  });

  it('names the host the consent page shows', () => {
    assert.equal(redirectHost('http://127.0.0.1:8976/callback'), '127.0.0.1:8976');
    assert.equal(redirectHost('com.example.app:/cb'), 'com.example.app');
  });
});
