import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OAuthError } from './oauth.errors.js';
import { verifierMatches, assertS256Challenge } from './pkce.js';
import { narrowScope, resolveRequestedScope } from './scope.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as OAuthError).error;
  }
  return 'no error';
};

describe('scopes', () => {
  it('defaults to the registered scope, accepts offline_access and refuses unknown or unregistered scopes', () => {
    assert.equal(resolveRequestedScope(undefined, 'mcp:read mcp:write'), 'mcp:read mcp:write');
    assert.equal(resolveRequestedScope('offline_access mcp:read', 'mcp:read mcp:write'), 'mcp:read offline_access');
    assert.equal(code(() => resolveRequestedScope('admin', 'mcp:read mcp:write')), 'invalid_scope');
    assert.equal(code(() => resolveRequestedScope('mcp:write', 'mcp:read')), 'invalid_scope');
    assert.equal(code(() => resolveRequestedScope('offline_access', 'mcp:read')), 'invalid_scope');
  });

  it('only narrows on refresh', () => {
    assert.equal(narrowScope(undefined, 'mcp:read mcp:write'), 'mcp:read mcp:write');
    assert.equal(narrowScope('mcp:read', 'mcp:read mcp:write'), 'mcp:read');
    assert.equal(code(() => narrowScope('mcp:write', 'mcp:read')), 'invalid_scope');
  });
});

describe('PKCE', () => {
  it('requires an S256 challenge', () => {
    const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
    assert.equal(assertS256Challenge(challenge, 'S256'), challenge);
    assert.equal(code(() => assertS256Challenge(undefined, 'S256')), 'invalid_request');
    assert.equal(code(() => assertS256Challenge(challenge, undefined)), 'invalid_request');
    assert.equal(code(() => assertS256Challenge(challenge, 'plain')), 'invalid_request');
    assert.equal(code(() => assertS256Challenge('short', 'S256')), 'invalid_request');
  });

  it('checks the verifier (RFC 7636 appendix B) and refuses malformed ones', () => {
    const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
    assert.equal(verifierMatches('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', challenge), true);
    assert.equal(verifierMatches('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj', challenge), false);
    assert.equal(verifierMatches(challenge, challenge), false);
    assert.equal(verifierMatches('short', challenge), false);
    assert.equal(verifierMatches(undefined, challenge), false);
  });
});
