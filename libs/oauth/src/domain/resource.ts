import { OAuthError } from './oauth.errors.js';

/** RFC 8707: the only resource served here is the MCP endpoint; absent means that one. */
export function resolveResource(resource: string | undefined, mcpResourceUrl: string): string {
  if (resource === undefined || resource === '') return mcpResourceUrl;
  if (resource !== mcpResourceUrl) throw new OAuthError('invalid_target', `The only resource served here is ${mcpResourceUrl}.`);
  return resource;
}
