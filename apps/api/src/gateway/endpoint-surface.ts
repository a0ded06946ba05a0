import type { McpTransport } from '@rekog/mcp-nest';
import type { Request } from 'express';
import { toolDefinition, toolErrorResult, type ToolDefinition } from '@app/access';
import { MCP_PATH, MCP_TOOLSETS_PREFIX, type AppConfig, type McpEndpoint } from '@app/shared';
import { mcpEndpointOf } from './mcp-endpoint.js';
import { endpointServes } from './tool-visibility.js';


/** The narrowest endpoint that serves the tool (toolset endpoints serve their write tools too). */
function endpointServing(tool: ToolDefinition): string {
  return tool.toolset === 'everywhere' ? MCP_PATH : `${MCP_TOOLSETS_PREFIX}${tool.toolset}`;
}

type Handler = (request: { params?: Record<string, unknown> }, ctx: unknown) => unknown;

/**
 * Narrows what the MCP server answers to the endpoint a request reached (/mcp/readonly, /mcp/x/<toolsets>);
 * its tool lists are narrowed with the caller's visible set (tool-visibility.ts, tool-lists.ts).
 * Installed on every server (the shared one and per-request ones) by wrapping the request handlers
 * mcp-nest registers; the request being served comes from `currentRequest`.
 */
export class EndpointSurface {
  constructor(
    private readonly config: AppConfig,
    private readonly currentRequest: () => Request | undefined,
  ) {}

  private endpoint(): McpEndpoint | undefined {
    const request = this.currentRequest();
    return request && mcpEndpointOf(request);
  }

  /** The tool this request may not call at this endpoint (false for unknown tools: the SDK answers those). */
  outsideEndpoint(toolName: string, request: Request): boolean {
    const tool = toolDefinition(toolName);
    return tool !== undefined && !endpointServes(mcpEndpointOf(request), tool);
  }

  /**
   * The transport with its step-up pre-check narrowed: a tool this endpoint does not serve is answered
   * `tool_not_in_toolset`, never a 403 asking for a scope that would not help here.
   */
  narrow(transport: McpTransport): McpTransport {
    return {
      kind: transport.kind,
      start: (ctx) =>
        transport.start({
          ...ctx,
          toolCallScopeDeficiency: (name, raw) => (raw && this.outsideEndpoint(name, raw as Request) ? undefined : ctx.toolCallScopeDeficiency(name, raw)),
        }),
      close: () => transport.close(),
      notifyListChanged: (kind) => transport.notifyListChanged?.(kind),
    };
  }

  // mcp-nest's types name the SDK's CommonJS server type; only its low-level `server` is touched here.
  install<Server extends { server: object }>(server: Server): Server {
    const low = server.server as unknown as { setRequestHandler: (method: string, handler: Handler) => void };
    const setRequestHandler = low.setRequestHandler.bind(low);
    low.setRequestHandler = (method: string, handler: Handler) => {
      if (method === 'tools/call') return setRequestHandler(method, (request, ctx) => this.callTool(handler, request, ctx));
      return setRequestHandler(method, handler);
    };
    return server;
  }

  private async callTool(next: Handler, request: { params?: Record<string, unknown> }, ctx: unknown) {
    const endpoint = this.endpoint();
    const name = request.params?.name;
    const tool = typeof name === 'string' ? toolDefinition(name) : undefined;
    if (!endpoint || !tool || endpointServes(endpoint, tool)) return next(request, ctx);
    const servedAt = `${this.config.publicUrl}${endpointServing(tool)}`;
    const here = `${this.config.publicUrl}${endpoint.path}`;
    return toolErrorResult({
      code: 'tool_not_in_toolset',
      message: endpoint.readOnly
        ? `${tool.name} changes data, and ${here} serves only read tools.`
        : `${tool.name} belongs to the ${tool.toolset} toolset, which ${here} does not serve.`,
      details: { tool: tool.name, toolset: tool.toolset, endpoint: here, servedAt },
      hint: `Connect an MCP client to ${servedAt} (or ${this.config.publicUrl}${MCP_PATH} for every tool) to use ${tool.name}.`,
    });
  }
}
