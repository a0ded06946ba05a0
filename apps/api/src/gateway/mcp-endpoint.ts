import type { NextFunction, Request, Response } from 'express';
import { canonicalEndpointFor, mcpEndpointAt, VALID_ENDPOINT_FORMS, type AppConfig, type McpEndpoint } from '@app/shared';

const ENDPOINT = Symbol('mcpEndpoint');

/** The endpoint this request reached (set by `resolveMcpEndpoint` for every /mcp request). */
export function mcpEndpointOf(req: Request): McpEndpoint {
  const endpoint = (req as Request & { [ENDPOINT]?: McpEndpoint })[ENDPOINT];
  if (!endpoint) throw new Error('MCP request without a resolved endpoint');
  return endpoint;
}

export function endpointResourceUrl(config: AppConfig, endpoint: McpEndpoint): string {
  return `${config.publicUrl}${endpoint.path}`;
}

export function endpointMetadataUrl(config: AppConfig, endpoint: McpEndpoint): string {
  return `${config.publicUrl}/.well-known/oauth-protected-resource${endpoint.path}`;
}

/**
 * Express middleware, first in the chain: a request under /mcp reaches the gateway only at a canonical
 * endpoint path, exactly as sent (no case folding, trailing slash, reordering, duplicates or encoded
 * commas), because each path is its own OAuth resource and a token is bound to one spelling. Anything
 * else is a 404 naming the valid form, before authentication: there is no resource there to sign in to.
 */
export function resolveMcpEndpoint(req: Request, res: Response, next: NextFunction): void {
  const rawPath = req.originalUrl.split('?', 1)[0]!;
  // Express matches routes ignoring case, so /MCP must be judged here too.
  const lower = rawPath.toLowerCase();
  if (lower !== '/mcp' && !lower.startsWith('/mcp/')) return next();
  const endpoint = mcpEndpointAt(rawPath);
  if (endpoint) {
    (req as Request & { [ENDPOINT]?: McpEndpoint })[ENDPOINT] = endpoint;
    return next();
  }
  const meant = canonicalEndpointFor(rawPath);
  res.status(404).json({
    error: 'not_found',
    error_description: `No MCP endpoint at ${rawPath.slice(0, 200)}. Valid: ${VALID_ENDPOINT_FORMS}.`,
    valid_form: VALID_ENDPOINT_FORMS,
    ...(meant && { canonical_path: meant.path }),
  });
}
