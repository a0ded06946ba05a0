import { DEFAULT_SCOPE, SCOPE_OFFLINE, SUPPORTED_SCOPES } from './oauth-constants.js';
import { OAuthError } from './oauth.errors.js';

export function parseScope(raw: string | undefined | null): string[] {
  return [...new Set((raw ?? '').split(' ').filter(Boolean))];
}

/** Normalized, space-separated, in a stable order. */
export function formatScope(scopes: Iterable<string>): string {
  const set = new Set(scopes);
  return SUPPORTED_SCOPES.filter((s) => set.has(s)).join(' ');
}

/** The scope a request asks for, limited to what the client registered; absent means the client's scope. */
export function resolveRequestedScope(requested: string | undefined, allowed: string): string {
  const registered = parseScope(allowed || DEFAULT_SCOPE);
  const asked = requested === undefined || requested.trim() === '' ? registered : parseScope(requested);
  // offline_access only says "give me a refresh token", which every code grant gets anyway.
  const allowedSet = new Set([...registered, SCOPE_OFFLINE]);
  const unknown = asked.filter((s) => !(SUPPORTED_SCOPES as readonly string[]).includes(s));
  if (unknown.length) throw new OAuthError('invalid_scope', `Unknown scope ${unknown.map((s) => JSON.stringify(s.slice(0, 50))).join(', ')}; supported: ${SUPPORTED_SCOPES.join(' ')}.`);
  const beyond = asked.filter((s) => !allowedSet.has(s));
  if (beyond.length) throw new OAuthError('invalid_scope', `The client is not registered for ${beyond.join(' ')}.`);
  const scope = formatScope(asked);
  if (!scope.split(' ').some((s) => s.startsWith('mcp:'))) throw new OAuthError('invalid_scope', 'Ask for at least one of mcp:read and mcp:write.');
  return scope;
}

/** On refresh a client may only narrow what was granted. */
export function narrowScope(requested: string | undefined, granted: string): string {
  if (requested === undefined || requested.trim() === '') return granted;
  const grantedSet = new Set(parseScope(granted));
  const asked = parseScope(requested);
  const beyond = asked.filter((s) => !grantedSet.has(s));
  if (beyond.length) throw new OAuthError('invalid_scope', `A refresh can only narrow the granted scope (${granted}); ${beyond.join(' ')} was not granted.`);
  const scope = formatScope(asked);
  if (!scope) throw new OAuthError('invalid_scope', 'The requested scope is empty.');
  return scope;
}
