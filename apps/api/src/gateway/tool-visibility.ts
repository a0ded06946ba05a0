import type { Request } from 'express';
import { TOOL_DEFINITIONS, type ToolDefinition } from '@app/access';
import { MCP_ENDPOINTS, type Principal, type Toolset } from '@app/shared';
import { mcpEndpointOf } from './mcp-endpoint.js';

/**
 * Which tools a caller is shown: the one place that decides it (scope × role permission × the endpoint's
 * toolsets). Calls are not decided here: a tool hidden for the role still answers `permission_denied`,
 * one hidden for the scope the step-up 403, so hiding never turns into "unknown tool".
 */

/** What an MCP endpoint serves: its toolsets (null: all of them) and whether it serves read tools only. */
export interface EndpointSelection {
  toolsets: ReadonlySet<Toolset> | null;
  readOnly: boolean;
}

export const WHOLE_SURFACE: EndpointSelection = { toolsets: null, readOnly: false };

const selections = new Map(MCP_ENDPOINTS.map((endpoint) => [endpoint, { toolsets: endpoint.toolsets && new Set(endpoint.toolsets), readOnly: endpoint.readOnly }]));

/** The selection of the endpoint a request came in on (resolved from its path before anything else). */
export function endpointSelection(request: Request): EndpointSelection {
  return selections.get(mcpEndpointOf(request)) ?? WHOLE_SURFACE;
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

// Each area declares its toolset on its tool class (@McpTools); 'everywhere' tools (get_current_identity,
// the way an agent learns where it is) are on every endpoint.
export function isInEndpoint(definition: Pick<ToolDefinition, 'toolset' | 'mutates'>, endpoint: EndpointSelection): boolean {
  if (endpoint.readOnly && definition.mutates) return false;
  return endpoint.toolsets === null || definition.toolset === 'everywhere' || endpoint.toolsets.has(definition.toolset);
}

export function isVisible(definition: ToolDefinition, set: VisibleSet): boolean {
  return set.scopes.has(definition.scope) && set.permissions.has(definition.permission) && isInEndpoint(definition, set.endpoint);
}

/** Tool names of a visible set, in the order lists show them (by name: stable across releases and processes). */
export function visibleToolNames(set: VisibleSet): string[] {
  return [...TOOL_DEFINITIONS.values()].filter((definition) => isVisible(definition, set)).map((d) => d.name).sort();
}
