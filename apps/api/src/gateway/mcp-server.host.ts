import { Injectable } from '@nestjs/common';
import { McpStrategy, StreamableHttpTransport } from '@rekog/mcp-nest';
import type { Request } from 'express';
import { AppConfig } from '@app/shared';
import type { McpRequestUser } from './mcp-bearer.strategy.js';
import { SharedMcpServer } from './shared-mcp-server.js';

export const MCP_SERVER_NAME = 'openwork-cloud';
export const MCP_SERVER_VERSION = '0.1.0';

const INSTRUCTIONS = `Manage the OpenWork Cloud organization this token was authorized for.
Start with get_current_identity to learn the organization, your role and what you may do.
Lists are paginated: pass nextCursor back as cursor. Failures come back as isError results whose
structuredContent.error has a code, the rule that applied (details) and a hint for what to do next;
follow the hint (for example update_allowed_email_domains before invite_member) rather than retrying.`;

/**
 * One MCP server per app instance (stateless Streamable HTTP), owned by the gateway controller. Requests
 * the shared server can answer never build a server of their own (see SharedMcpServer).
 */
@Injectable()
export class McpServerHost {
  readonly transport: StreamableHttpTransport;
  readonly shared: SharedMcpServer;
  readonly strategy: McpStrategy;

  constructor(config: AppConfig) {
    this.transport = new StreamableHttpTransport({
      statefulMode: false,
      enableJsonResponse: true,
      // The guard compares full origins; the transport's own check (by hostname) stays as a second line.
      security: { allowedOrigins: [new URL(config.publicUrl).hostname] },
      stepUpAuthorization: { resourceMetadataUrl: resourceMetadataUrl(config) },
    });
    this.shared = new SharedMcpServer({
      // Tools are hidden by the scopes they require (@ToolScopes), nothing else, so far.
      visibilityKey: (request: Request) => {
        const user = request.user as McpRequestUser | undefined;
        return user ? [...new Set(user.scope.split(' ').filter(Boolean))].sort().join(' ') : '';
      },
    });
    this.strategy = new McpStrategy({
      name: MCP_SERVER_NAME,
      title: 'OpenWork Cloud',
      version: MCP_SERVER_VERSION,
      instructions: INSTRUCTIONS,
      transports: [this.transport, this.shared],
      logging: false,
    });
  }
}

export function resourceMetadataUrl(config: AppConfig): string {
  return `${config.publicUrl}/.well-known/oauth-protected-resource/mcp`;
}
