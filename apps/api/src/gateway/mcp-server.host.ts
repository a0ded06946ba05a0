import { Injectable } from '@nestjs/common';
import { McpStrategy, StreamableHttpTransport } from '@rekog/mcp-nest';
import { AppConfig } from '@app/shared';

export const MCP_SERVER_NAME = 'openwork-cloud';
export const MCP_SERVER_VERSION = '0.1.0';

const INSTRUCTIONS = `Manage the OpenWork Cloud organization this token was authorized for.
Start with get_current_identity to learn the organization, your role and what you may do.
Refer to things by name as the user does: every reference argument takes the id or the name (people by
email or name, config objects by name with type), names compared ignoring case; find_people looks
people up. Several matches answer ambiguous_reference with details.candidates (call again with an id);
none answers not_found with details.suggestions (close names) and details.listTool.
Lists are paginated: pass nextCursor back as cursor. Failures come back as isError results whose
structuredContent.error has a code, the rule that applied (details) and a hint for what to do next;
follow the hint (for example update_allowed_email_domains before invite_member) rather than retrying.`;

/** One MCP server per app instance (stateless Streamable HTTP), owned by the gateway controller. */
@Injectable()
export class McpServerHost {
  readonly transport: StreamableHttpTransport;
  readonly strategy: McpStrategy;

  constructor(config: AppConfig) {
    this.transport = new StreamableHttpTransport({
      statefulMode: false,
      enableJsonResponse: true,
      // The guard compares full origins; the transport's own check (by hostname) stays as a second line.
      security: { allowedOrigins: [new URL(config.publicUrl).hostname] },
      stepUpAuthorization: { resourceMetadataUrl: resourceMetadataUrl(config) },
    });
    this.strategy = new McpStrategy({
      name: MCP_SERVER_NAME,
      title: 'OpenWork Cloud',
      version: MCP_SERVER_VERSION,
      instructions: INSTRUCTIONS,
      transports: [this.transport],
      logging: false,
    });
  }
}

export function resourceMetadataUrl(config: AppConfig): string {
  return `${config.publicUrl}/.well-known/oauth-protected-resource/mcp`;
}
