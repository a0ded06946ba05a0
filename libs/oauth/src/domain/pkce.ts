import { createHash } from 'node:crypto';
import { safeEqual } from '@app/shared';
import { OAuthError } from './oauth.errors.js';

// S256 challenges are base64url SHA-256 digests: exactly 43 characters.
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
// RFC 7636 §4.1: 43-128 unreserved characters.
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** PKCE is mandatory and only S256 is accepted (OAuth 2.1; `plain` offers no protection). */
export function assertS256Challenge(challenge: string | undefined, method: string | undefined): string {
  if (!challenge) throw new OAuthError('invalid_request', 'code_challenge is required (PKCE with S256).');
  if (method !== 'S256') throw new OAuthError('invalid_request', 'code_challenge_method must be S256; plain and missing methods are not accepted.');
  if (!CHALLENGE.test(challenge)) throw new OAuthError('invalid_request', 'code_challenge must be a base64url SHA-256 digest (43 characters).');
  return challenge;
}

export function verifierMatches(verifier: string | undefined, challenge: string): boolean {
  if (!verifier || !VERIFIER.test(verifier)) return false;
  return safeEqual(createHash('sha256').update(verifier).digest('base64url'), challenge);
}
