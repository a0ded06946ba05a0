// The MCP endpoints this server serves. Each is its own OAuth protected resource (RFC 9728 metadata at
// /.well-known/oauth-protected-resource<path>, tokens audience-bound to PUBLIC_URL<path>), so the
// gateway, the authorization server and the token verifier all read them from here.

/** Tool groups that `/mcp/x/<toolsets>` can select, in canonical (sorted) order. */
export const TOOLSETS = ['audit', 'catalog', 'people', 'runtime'] as const;
export type Toolset = (typeof TOOLSETS)[number];

export const MCP_PATH = '/mcp';
export const MCP_READONLY_PATH = '/mcp/readonly';
export const MCP_TOOLSETS_PREFIX = '/mcp/x/';

export interface McpEndpoint {
  /** Canonical path, e.g. `/mcp/x/catalog,people`. */
  readonly path: string;
  /** The toolsets served, or null for every toolset. */
  readonly toolsets: readonly Toolset[] | null;
  /** Only read-only tools. */
  readonly readOnly: boolean;
  /** Scopes a client should ask for here (the 401 challenge and the metadata's scopes_supported). */
  readonly scopes: readonly string[];
}

export const VALID_ENDPOINT_FORMS =
  `${MCP_PATH}, ${MCP_READONLY_PATH}, or ${MCP_TOOLSETS_PREFIX}<toolsets> where <toolsets> is one or more of ` +
  `${TOOLSETS.join(', ')}, lower-case, comma-separated, in that (alphabetical) order, each at most once`;

function isToolset(value: string): value is Toolset {
  return (TOOLSETS as readonly string[]).includes(value);
}

function endpoint(path: string, toolsets: readonly Toolset[] | null, readOnly: boolean): McpEndpoint {
  return Object.freeze({ path, toolsets: toolsets && Object.freeze([...toolsets]), readOnly, scopes: readOnly ? ['mcp:read'] : ['mcp:read', 'mcp:write'] });
}

function toolsetPath(toolsets: readonly Toolset[]): string {
  return `${MCP_TOOLSETS_PREFIX}${toolsets.join(',')}`;
}

/** Every endpoint: /mcp, /mcp/readonly and one per non-empty set of toolsets. */
export const MCP_ENDPOINTS: readonly McpEndpoint[] = (() => {
  const all: McpEndpoint[] = [endpoint(MCP_PATH, null, false), endpoint(MCP_READONLY_PATH, null, true)];
  for (let mask = 1; mask < 1 << TOOLSETS.length; mask++) {
    const chosen = TOOLSETS.filter((_, i) => mask & (1 << i));
    all.push(endpoint(toolsetPath(chosen), chosen, false));
  }
  return Object.freeze(all);
})();

const BY_PATH = new Map(MCP_ENDPOINTS.map((e) => [e.path, e]));

/** The endpoint at exactly this path (as sent, undecoded), or undefined for any other spelling. */
export function mcpEndpointAt(rawPath: string): McpEndpoint | undefined {
  return BY_PATH.get(rawPath);
}

/** The endpoint a toolset URL most likely meant (case, order, duplicates, encoded commas), if any. */
export function canonicalEndpointFor(rawPath: string): McpEndpoint | undefined {
  let path: string;
  try {
    path = decodeURIComponent(rawPath).toLowerCase().replace(/\/+$/, '');
  } catch {
    return undefined;
  }
  if (BY_PATH.has(path)) return BY_PATH.get(path);
  if (!path.startsWith(MCP_TOOLSETS_PREFIX)) return undefined;
  const names = path.slice(MCP_TOOLSETS_PREFIX.length).split(',').map((name) => name.trim());
  if (names.length === 0 || !names.every(isToolset)) return undefined;
  return BY_PATH.get(toolsetPath(TOOLSETS.filter((t) => names.includes(t))));
}

/** The endpoint whose resource URL this is (RFC 8707 `resource`, a token's `aud`), or undefined. */
export function mcpEndpointForResource(resource: string, publicUrl: string): McpEndpoint | undefined {
  if (!resource.startsWith(publicUrl)) return undefined;
  return BY_PATH.get(resource.slice(publicUrl.length));
}

/** Every resource URL a token may be issued for. */
export function mcpResourceUrls(publicUrl: string): string[] {
  return MCP_ENDPOINTS.map((e) => `${publicUrl}${e.path}`);
}
