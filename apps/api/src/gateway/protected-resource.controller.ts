import { Controller, Get, Header } from '@nestjs/common';
import { AppConfig } from '@app/shared';

// RFC 9728: tells an MCP client which authorization server protects /mcp and which scopes exist.
@Controller('.well-known')
export class ProtectedResourceController {
  private readonly document: Record<string, unknown>;

  constructor(config: AppConfig) {
    this.document = {
      resource: config.mcpResourceUrl,
      authorization_servers: [config.publicUrl],
      scopes_supported: ['mcp:read', 'mcp:write'],
      bearer_methods_supported: ['header'],
      resource_signing_alg_values_supported: ['EdDSA'],
      resource_name: 'OpenWork Cloud MCP',
    };
  }

  @Get(['oauth-protected-resource', 'oauth-protected-resource/mcp'])
  @Header('Cache-Control', 'public, max-age=300')
  @Header('Access-Control-Allow-Origin', '*')
  metadata() {
    return this.document;
  }
}
