import type { Request } from 'express';
import { SCOPE_READ, toolDefinitions, type ToolDefinition } from '@app/access';
import { MCP_ENDPOINTS, type McpEndpoint, type Principal } from '@app/shared';
import { principalOfRequest } from './mcp-bearer.strategy.js';
import { mcpEndpointOf } from './mcp-endpoint.js';

/**
 * Which tools a caller is shown: the one place that decides it (scope × role permission × the endpoint's
 * toolsets). Calls are not decided here: a tool hidden for the role still answers `permission_denied`,
 * one hidden for the scope the step-up 403, so hiding never turns into "unknown tool".
 */

/** Whether an endpoint serves the tool (its toolsets and read-only rule; scope and role are the caller's). */
export function endpointServes(endpoint: McpEndpoint, tool: Pick<ToolDefinition, 'toolset' | 'scope'>): boolean {
  if (endpoint.readOnly && tool.scope !== SCOPE_READ) return false;
  return tool.toolset === 'everywhere' || endpoint.toolsets === null || endpoint.toolsets.includes(tool.toolset);
}

/** Everything that decides a caller's tool list; callers with equal `key`s see the same list. */
export interface VisibleSet {
  key: string;
  scopes: ReadonlySet<string>;
  permissions: ReadonlySet<string>;
  endpoint: McpEndpoint;
}

/** The whole surface: what /mcp serves. */
export const WHOLE_SURFACE: McpEndpoint = MCP_ENDPOINTS[0]!;

export function visibleSetOf(principal: Pick<Principal, 'scopes' | 'permissions'>, endpoint: McpEndpoint = WHOLE_SURFACE): VisibleSet {
  const scopes = [...new Set(principal.scopes)].sort();
  const permissions = [...new Set(principal.permissions)].sort();
  return {
    key: `${endpoint.path}|${scopes.join(' ')}|${permissions.join(' ')}`,
    scopes: new Set(scopes),
    permissions: new Set(permissions),
    endpoint,
  };
}

/** The visible set of an authenticated MCP request, or undefined before authentication. */
export function visibleSetOfRequest(request: Request): VisibleSet | undefined {
  const principal = principalOfRequest(request);
  return principal ? visibleSetOf(principal, mcpEndpointOf(request)) : undefined;
}

export function isVisible(definition: ToolDefinition, set: VisibleSet): boolean {
  return set.scopes.has(definition.scope) && set.permissions.has(definition.permission) && endpointServes(set.endpoint, definition);
}

/** Tool names of a visible set, in the order lists show them (by name: stable across releases and processes). */
export function visibleToolNames(set: VisibleSet): string[] {
  return toolDefinitions().filter((definition) => isVisible(definition, set)).map((d) => d.name).sort();
}
