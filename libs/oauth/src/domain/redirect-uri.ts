// Redirect URI policy (RFC 8252 native apps, SPEC §5): loopback http on any port, or a private-use
// reverse-DNS scheme. Everything else, and anything not written in its one canonical form, is refused.

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
// A reverse-DNS scheme has at least one dot, which also rules out javascript:, data:, file:, http(s): …
const PRIVATE_USE_SCHEME = /^[a-z][a-z0-9+-]*(?:\.[a-z0-9+-]+)+:$/;
const MAX_LENGTH = 2000;

export type RedirectUriKind = 'loopback' | 'private_use';

/** Why a URI is refused, in words; null when it is acceptable. */
export function redirectUriProblem(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length === 0) return 'must be a non-empty string';
  if (raw.length > MAX_LENGTH) return `must be at most ${MAX_LENGTH} characters`;
  // Whitespace, control characters and backslashes are how parsers get disagreed with.
  if (/[\u0000-\u0020\u007f-\u00a0\\\u2028\u2029\ufeff]/.test(raw)) return 'must not contain whitespace, control characters or backslashes';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not an absolute URI';
  }
  // Only the canonical spelling is accepted: no case games, dot segments, default ports or escapes
  // that a browser would normalize into something other than what was registered.
  if (url.href !== raw) return 'must be written in canonical form (lowercase scheme and host, no dot segments or default port)';
  if (url.hash || raw.includes('#')) return 'must not contain a fragment';
  if (url.username || url.password) return 'must not contain user information';
  if (url.protocol === 'http:') {
    if (!LOOPBACK_HOSTS.has(url.hostname)) return 'http redirect URIs must use a loopback host (127.0.0.1, [::1] or localhost)';
    return null;
  }
  if (url.protocol === 'https:') return 'public web redirect URIs are not accepted; use a loopback http URI or a private-use scheme';
  if (!PRIVATE_USE_SCHEME.test(url.protocol)) {
    return 'must be http on a loopback host or a private-use scheme in reverse-DNS form (like com.example.app:/callback)';
  }
  return null;
}

export function redirectUriKind(uri: string): RedirectUriKind {
  return uri.startsWith('http:') ? 'loopback' : 'private_use';
}

/**
 * Does the presented redirect URI match one that was registered? Exact string match, except that a
 * loopback URI may use any port (RFC 8252 §7.3): clients pick a free port at run time.
 */
export function matchesRegisteredRedirect(registered: readonly string[], presented: string): boolean {
  if (redirectUriProblem(presented) !== null) return false;
  if (registered.includes(presented)) return true;
  const candidate = new URL(presented);
  if (candidate.protocol !== 'http:') return false;
  return registered.some((uri) => {
    if (!uri.startsWith('http:')) return false;
    const known = new URL(uri);
    return known.hostname === candidate.hostname && known.pathname === candidate.pathname && known.search === candidate.search;
  });
}

/** Host shown on the consent page so people can see where the code goes. */
export function redirectHost(uri: string): string {
  const url = new URL(uri);
  return url.protocol === 'http:' ? url.host : url.protocol.slice(0, -1);
}
