import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { McpStrategy, StreamableHttpTransport } from '@rekog/mcp-nest';
import { AppConfig, type Principal } from '@app/shared';
import { ElicitationRelay } from './elicitation-relay.js';
import { EndpointSurface } from './endpoint-surface.js';
import { principalOfRequest } from './mcp-bearer.strategy.js';
import { McpSessions, sessionOf } from './mcp-session.js';
import { PromptsAndResources } from './prompts-and-resources.js';
import { SERVER_ICON_PATH } from './server-icon.controller.js';
import { currentMcpRequest, SharedMcpServer } from './shared-mcp-server.js';
import { ToolLists } from './tool-lists.js';
import { visibleSetOfRequest } from './tool-visibility.js';

export const MCP_SERVER_NAME = 'openwork-cloud';
export const MCP_SERVER_VERSION = '0.1.0';

function instructionsFor(publicUrl: string): string {
  return `Manage the OpenWork Cloud organization this token was authorized for.
Start with get_current_identity: it names the organization, your role, its permissions and your scopes.
The tool list shows only what your role and token can use; another role's tools answer permission_denied.
References: every reference argument takes the id or the name (people by email or name, config objects
by name with type), ignoring case; find_people looks people up. Several matches answer ambiguous_reference
with details.candidates; none answers not_found with details.suggestions and details.listTool.
Lists are paginated: pass nextCursor back as cursor; limit is 1-200 (default 50).
Failures are isError results whose text is JSON {"error":{code,message,details,hint}}: the rule that
applied and what would fix it. Follow the hint (for example update_allowed_email_domains before
invite_member) rather than retrying.
Invitations are emailed to the invitee (you never get the link; list_invitations shows delivery).
invite_member on a pending address updates that invitation and sends nothing; update_invitation changes one
by email or id; resend_invitation mails a new link.
Risky changes (removing people or data, widening access, changing permissions) may answer
confirmation_required: show the person its approvalUrl, then call again with the same arguments plus approvalId.
Prompts check-identity, invite-teammate, assign-to-team and share-skill walk through the common tasks.
Smaller tool lists: ${publicUrl}/mcp/x/<toolsets> (people, catalog, runtime, audit, comma-separated)
and ${publicUrl}/mcp/readonly serve subsets; each is its own OAuth resource.`;
}

/**
 * One MCP server per app instance (stateless Streamable HTTP), owned by the gateway controller. Requests
 * the shared server can answer never build a server of their own (see SharedMcpServer).
 */
@Injectable()
export class McpServerHost {
  readonly transport: StreamableHttpTransport;
  readonly shared: SharedMcpServer;
  readonly strategy: McpStrategy;
  readonly toolLists = new ToolLists(currentMcpRequest);

  constructor(config: AppConfig, promptsAndResources: PromptsAndResources, sessions: McpSessions, elicitation: ElicitationRelay) {
    this.transport = new StreamableHttpTransport({
      statefulMode: false,
      enableJsonResponse: true,
      // The guard compares full origins; the transport's own check (by hostname) stays as a second line.
      security: { allowedOrigins: [new URL(config.publicUrl).hostname] },
      // The guard puts the metadata URL of the endpoint being served on the request.
      stepUpAuthorization: true,
    });
    const surface = new EndpointSurface(config, currentMcpRequest);
    const principalOf = (request: Request): Principal => principalOfRequest(request)!;
    this.shared = new SharedMcpServer({
      visibilityKey: (request) => visibleSetOfRequest(request)?.key ?? '',
      sessionFor: (request) => sessions.issue(principalOf(request), request.body),
      // Only a session's answers are taken; without one the SDK transport accepts and drops them, as before.
      clientResponse: (message, request) => (sessionOf(request) ? elicitation.answer(message, principalOf(request)) : undefined),
      attachStream: (request, stream) => elicitation.attach(request, stream),
    });
    this.strategy = new McpStrategy({
      name: MCP_SERVER_NAME,
      title: 'OpenWork Cloud',
      version: MCP_SERVER_VERSION,
      instructions: instructionsFor(config.publicUrl),
      icons: [{ src: `${config.publicUrl}${SERVER_ICON_PATH}`, mimeType: 'image/svg+xml', sizes: ['any'] }],
      transports: [surface.narrow(this.transport), surface.narrow(this.shared)],
      logging: false,
      // No logging key: mcp-nest would add `logging: {}` and the SDK a logging/setLevel it cannot deliver.
      capabilities: { ...PromptsAndResources.CAPABILITIES, logging: undefined },
      serverMutator: (server) => {
        advertiseOnlyWhatIsDelivered(server);
        this.toolLists.install(server);
        promptsAndResources.install(server);
        return surface.install(server);
      },
    });
  }
}

type Capabilities = Record<string, Record<string, unknown> | undefined>;

/**
 * A stateless JSON transport has no stream for notifications: list-changed notifications and log messages
 * could never arrive, so neither is advertised (mcp-nest turns list-changed on by default; logging is kept
 * off by the strategy options). The SDK server hands out its live capabilities object, which is what
 * initialize and server/discover answer with.
 */
function advertiseOnlyWhatIsDelivered(server: { server: object }): void {
  const capabilities = (server.server as { getCapabilities(): Capabilities }).getCapabilities();
  for (const kind of ['tools', 'resources', 'prompts']) {
    const { listChanged: _never, subscribe: _neither, ...rest } = capabilities[kind] ?? {};
    if (capabilities[kind]) capabilities[kind] = rest;
  }
}
