import type { Request } from 'express';
import { TOOL_DEFINITIONS, type ToolDefinition } from '@app/access';
import type { Principal } from '@app/shared';

/**
 * Which tools a caller is shown: the one place that decides it (scope × role permission × the endpoint's
 * toolsets). Calls are not decided here: a tool hidden for the role still answers `permission_denied`,
 * one hidden for the scope the step-up 403, so hiding never turns into "unknown tool".
 */

export const TOOLSETS = ['people', 'catalog', 'runtime', 'audit'] as const;
export type Toolset = (typeof TOOLSETS)[number];

/** Listed on every endpoint, whatever its toolsets: the way an agent learns where it is. */
export const ALWAYS_LISTED = new Set(['get_current_identity']);

// A tool's toolset follows from the permission it needs: the permission names the area it works on.
const TOOLSET_BY_PERMISSION_AREA: Record<string, Toolset> = {
  org: 'people',
  members: 'people',
  roles: 'people',
  teams: 'people',
  catalog: 'catalog',
  marketplaces: 'catalog',
  workers: 'runtime',
  connectors: 'runtime',
  providers: 'runtime',
  audit: 'audit',
};

export function toolsetOf(definition: ToolDefinition): Toolset {
  const area = definition.permission.split(':')[0]!;
  const toolset = TOOLSET_BY_PERMISSION_AREA[area];
  if (!toolset) throw new Error(`No toolset for permission ${definition.permission} (tool ${definition.name})`);
  return toolset;
}

/** What an MCP endpoint serves: its toolsets (null: all of them) and whether it serves read tools only. */
export interface EndpointSelection {
  toolsets: ReadonlySet<Toolset> | null;
  readOnly: boolean;
}

export const WHOLE_SURFACE: EndpointSelection = { toolsets: null, readOnly: false };

const selections = new WeakMap<object, EndpointSelection>();

/** Records which endpoint a request came in on (the gateway route does this before the MCP handlers run). */
export function selectEndpoint(request: Request, selection: EndpointSelection): void {
  selections.set(request, selection);
}

export function endpointSelection(request: Request): EndpointSelection {
  return selections.get(request) ?? WHOLE_SURFACE;
}

/** Everything that decides a caller's tool list; callers with equal `key`s see the same list. */
export interface VisibleSet {
  key: string;
  scopes: ReadonlySet<string>;
  permissions: ReadonlySet<string>;
  endpoint: EndpointSelection;
}

export function visibleSetOf(principal: Pick<Principal, 'scopes' | 'permissions'>, endpoint: EndpointSelection = WHOLE_SURFACE): VisibleSet {
  const scopes = [...new Set(principal.scopes)].sort();
  const permissions = [...new Set(principal.permissions)].sort();
  const toolsets = endpoint.toolsets ? [...endpoint.toolsets].sort().join(',') : '*';
  return {
    key: `${scopes.join(' ')}|${permissions.join(' ')}|${toolsets}|${endpoint.readOnly ? 'ro' : 'rw'}`,
    scopes: new Set(scopes),
    permissions: new Set(permissions),
    endpoint,
  };
}

/** The visible set of an authenticated MCP request, or undefined before authentication. */
export function visibleSetOfRequest(request: Request): VisibleSet | undefined {
  const principal = (request as Request & { principal?: Principal }).principal;
  return principal ? visibleSetOf(principal, endpointSelection(request)) : undefined;
}

export function isInEndpoint(definition: ToolDefinition, endpoint: EndpointSelection): boolean {
  if (endpoint.readOnly && definition.mutates) return false;
  return endpoint.toolsets === null || ALWAYS_LISTED.has(definition.name) || endpoint.toolsets.has(toolsetOf(definition));
}

export function isVisible(definition: ToolDefinition, set: VisibleSet): boolean {
  return set.scopes.has(definition.scope) && set.permissions.has(definition.permission) && isInEndpoint(definition, set.endpoint);
}

/** Tool names of a visible set, in the order lists show them (by name: stable across releases and processes). */
export function visibleToolNames(set: VisibleSet): string[] {
  return [...TOOL_DEFINITIONS.values()].filter((definition) => isVisible(definition, set)).map((d) => d.name).sort();
}
