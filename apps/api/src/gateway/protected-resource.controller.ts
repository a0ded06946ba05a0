import { Controller, Get, Header, NotFoundException, Req } from '@nestjs/common';
import type { Request } from 'express';
import { AppConfig, MCP_ENDPOINTS, mcpEndpointAt, VALID_ENDPOINT_FORMS, type McpEndpoint } from '@app/shared';

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

// RFC 9728: tells an MCP client which authorization server protects each MCP endpoint and which scopes
// exist. The metadata sits at the endpoint's path-suffixed well-known URL; the bare one describes /mcp.
@Controller('.well-known')
export class ProtectedResourceController {
  private readonly documents: Map<string, Record<string, unknown>>;

  constructor(config: AppConfig) {
    const document = (endpoint: McpEndpoint) => ({
      resource: `${config.publicUrl}${endpoint.path}`,
      authorization_servers: [config.publicUrl],
      scopes_supported: endpoint.scopes,
      bearer_methods_supported: ['header'],
      resource_signing_alg_values_supported: ['EdDSA'],
      resource_name: endpoint.path === '/mcp' ? 'OpenWork Cloud MCP' : `OpenWork Cloud MCP (${endpoint.path.slice('/mcp/'.length)})`,
    });
    this.documents = new Map(MCP_ENDPOINTS.map((endpoint) => [`${WELL_KNOWN}${endpoint.path}`, document(endpoint)]));
    this.documents.set(WELL_KNOWN, document(mcpEndpointAt('/mcp')!));
  }

  @Get(['oauth-protected-resource', 'oauth-protected-resource/*path'])
  @Header('Cache-Control', 'public, max-age=300')
  @Header('Access-Control-Allow-Origin', '*')
  metadata(@Req() req: Request) {
    // Exact spelling, as at the endpoints themselves.
    const document = this.documents.get(req.originalUrl.split('?', 1)[0]!);
    if (!document) throw new NotFoundException({ error: 'not_found', error_description: `No protected resource here. MCP endpoints: ${VALID_ENDPOINT_FORMS}.` });
    return document;
  }
}
