import { DEFAULT_SCOPE } from './oauth-constants.js';
import { OAuthError } from './oauth.errors.js';
import { redirectUriProblem } from './redirect-uri.js';
import { resolveRequestedScope } from './scope.js';

export interface ClientMetadata {
  clientName: string;
  redirectUris: string[];
  grantTypes: string[];
  responseTypes: string[];
  scope: string;
  clientUri: string | null;
  logoUri: string | null;
  softwareId: string | null;
  softwareVersion: string | null;
}

const GRANT_TYPES = ['authorization_code', 'refresh_token'];
const MAX_REDIRECT_URIS = 10;

function optionalString(body: Record<string, unknown>, name: string, max: number): string | null {
  const value = body[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > max) throw new OAuthError('invalid_client_metadata', `${name} must be a string of at most ${max} characters.`);
  return value;
}

// Client-supplied text is shown on the consent page, so it must read as what it is: no bidi controls that
// reorder it (U+202E…), no line breaks or control characters, no format characters (zero-width spaces and
// joiners, soft hyphens, tags) that hide or splice parts, no private-use or lone-surrogate code points.
const HIDDEN_OR_CONTROL = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}]/u;
// Letters and marks that render as nothing (Hangul fillers, braille blank, variation selectors…).
const BLANK_GLYPHS = /[\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u2800\u3164\uFE00-\uFE0F\uFFA0\u{E0100}-\u{E01EF}]/gu;
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

function displayText(body: Record<string, unknown>, name: string, max: number): string | null {
  const value = optionalString(body, name, max);
  if (value === null) return null;
  if (HIDDEN_OR_CONTROL.test(value)) {
    throw new OAuthError('invalid_client_metadata', `${name} must not contain control, format, bidirectional or line-break characters; they can disguise what the consent page shows.`);
  }
  if (value.trim() !== '' && !VISIBLE.test(value.replace(BLANK_GLYPHS, ''))) {
    throw new OAuthError('invalid_client_metadata', `${name} must contain visible characters.`);
  }
  return value;
}

function optionalHttpsUrl(body: Record<string, unknown>, name: string): string | null {
  const value = displayText(body, name, 2000);
  if (value === null) return null;
  try {
    if (new URL(value).protocol === 'https:') return value;
  } catch {
    // fall through to the refusal
  }
  throw new OAuthError('invalid_client_metadata', `${name} must be an https URL.`);
}

/**
 * Validates RFC 7591 client metadata (from a registration request or a Client ID Metadata Document).
 * Public clients only: no secrets, token_endpoint_auth_method "none".
 */
export function validateClientMetadata(input: unknown): ClientMetadata {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new OAuthError('invalid_client_metadata', 'The client metadata must be a JSON object.');
  }
  const body = input as Record<string, unknown>;
  const uris = body.redirect_uris;
  if (!Array.isArray(uris) || uris.length === 0) throw new OAuthError('invalid_redirect_uri', 'redirect_uris must be a non-empty array.');
  if (uris.length > MAX_REDIRECT_URIS) throw new OAuthError('invalid_redirect_uri', `At most ${MAX_REDIRECT_URIS} redirect_uris are accepted.`);
  for (const uri of uris) {
    const problem = redirectUriProblem(uri);
    if (problem) throw new OAuthError('invalid_redirect_uri', `Redirect URI ${JSON.stringify(String(uri).slice(0, 200))} ${problem}.`);
  }
  const method = body.token_endpoint_auth_method ?? 'none';
  if (method !== 'none') throw new OAuthError('invalid_client_metadata', 'Only public clients are supported: token_endpoint_auth_method must be "none".');
  const grantTypes = body.grant_types ?? GRANT_TYPES;
  if (!Array.isArray(grantTypes) || grantTypes.length === 0 || grantTypes.some((g) => !GRANT_TYPES.includes(g as string))) {
    throw new OAuthError('invalid_client_metadata', `grant_types must be drawn from ${GRANT_TYPES.join(', ')}.`);
  }
  if (!grantTypes.includes('authorization_code')) throw new OAuthError('invalid_client_metadata', 'grant_types must include authorization_code.');
  const responseTypes = body.response_types ?? ['code'];
  if (!Array.isArray(responseTypes) || responseTypes.length !== 1 || responseTypes[0] !== 'code') {
    throw new OAuthError('invalid_client_metadata', 'response_types must be ["code"].');
  }
  let scope = DEFAULT_SCOPE;
  if (body.scope !== undefined) {
    if (typeof body.scope !== 'string') throw new OAuthError('invalid_client_metadata', 'scope must be a space-separated string.');
    try {
      scope = resolveRequestedScope(body.scope, `${DEFAULT_SCOPE} offline_access`);
    } catch (error) {
      throw new OAuthError('invalid_client_metadata', (error as Error).message);
    }
  }
  const name = displayText(body, 'client_name', 100)?.trim();
  return {
    clientName: name || 'Unnamed MCP client',
    redirectUris: [...new Set(uris as string[])],
    grantTypes: [...new Set(grantTypes as string[])],
    responseTypes: ['code'],
    scope,
    clientUri: optionalHttpsUrl(body, 'client_uri'),
    logoUri: optionalHttpsUrl(body, 'logo_uri'),
    softwareId: displayText(body, 'software_id', 200),
    softwareVersion: displayText(body, 'software_version', 100),
  };
}

/** A Client ID Metadata Document's URL: https, a path, nothing that makes two spellings of one id. */
export function clientIdUrlProblem(raw: string): string | null {
  if (raw.length > 2000) return 'is too long';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:') return 'must use https';
  if (url.href !== raw) return 'must be in canonical form';
  if (url.username || url.password) return 'must not contain user information';
  if (url.hash || raw.includes('#')) return 'must not contain a fragment';
  if (url.pathname === '/' ) return 'must contain a path';
  return null;
}

export function isMetadataDocumentClientId(clientId: string): boolean {
  return clientId.startsWith('https://');
}
