import { mcpEndpointForResource, VALID_ENDPOINT_FORMS } from '@app/shared';
import { OAuthError } from './oauth.errors.js';

/**
 * RFC 8707: the resources served here are the MCP endpoints (/mcp, /mcp/readonly, /mcp/x/<toolsets>),
 * each spelled exactly as its protected-resource metadata names it; absent means `fallback`.
 */
export function resolveResource(resource: string | undefined, publicUrl: string, fallback = `${publicUrl}/mcp`): string {
  if (resource === undefined || resource === '') return fallback;
  if (!mcpEndpointForResource(resource, publicUrl)) {
    throw new OAuthError('invalid_target', `Not a resource served here. Resources are ${publicUrl} followed by ${VALID_ENDPOINT_FORMS}.`);
  }
  return resource;
}
