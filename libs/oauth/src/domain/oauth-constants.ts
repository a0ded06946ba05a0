export const ACCESS_TOKEN_LIFETIME_S = 15 * 60;
export const REFRESH_TOKEN_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
export const AUTHORIZATION_CODE_LIFETIME_MS = 10 * 60 * 1000;

export const SCOPE_READ = 'mcp:read';
export const SCOPE_WRITE = 'mcp:write';
export const SCOPE_OFFLINE = 'offline_access';
export const SUPPORTED_SCOPES = [SCOPE_READ, SCOPE_WRITE, SCOPE_OFFLINE] as const;
export const DEFAULT_SCOPE = `${SCOPE_READ} ${SCOPE_WRITE}`;

/** The OpenWork desktop app: a first-party client that exchanges a web session for an MCP token. */
export const DESKTOP_CLIENT_ID = 'openwork-desktop';
export const DESKTOP_CLIENT_NAME = 'OpenWork Desktop';

/** A concurrent or retried refresh by the same client within this window gets the same successor back. */
export const REFRESH_REUSE_GRACE_MS = 30 * 1000;

export const GRANT_TYPE_CODE = 'authorization_code';
export const GRANT_TYPE_REFRESH = 'refresh_token';
export const GRANT_TYPE_TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** RFC 8693 subject_token_type for an OpenWork Cloud web session token (the desktop app's sign-in). */
export const TOKEN_TYPE_SESSION = 'urn:openwork:params:oauth:token-type:session';
export const TOKEN_TYPE_ACCESS = 'urn:ietf:params:oauth:token-type:access_token';
