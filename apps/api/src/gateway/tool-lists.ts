/** mcp-nest's types name the SDK's CommonJS declarations; only its low-level server's handler registration is used here. */
type McpServer = { server: unknown };
import type { Request } from 'express';
import { visibleSetOfRequest, visibleToolNames } from './tool-visibility.js';

const MAX_CACHED_LISTS = 256;

type ListedTool = { name: string; annotations?: Record<string, unknown> } & Record<string, unknown>;
type RequestHandler = (request: unknown, ctx: unknown) => unknown;

/**
 * `tools/list` as a caller sees it: the tools of their visible set (see tool-visibility.ts), in name order,
 * with the display title at the top level where clients look for it first. mcp-nest renders a tool's
 * annotations as declared and has no top-level title, so the title travels in `annotations.title` and
 * moves up here. Each visible set's list is built once and kept; requests only look it up.
 */
export class ToolLists {
  private readonly lists = new Map<string, { tools: ListedTool[] }>();

  constructor(private readonly currentRequest: () => Request | undefined) {}

  /** Makes a server's `tools/list` handler, once mcp-nest binds it, answer through these lists. */
  install(server: McpServer): void {
    const low = server.server as unknown as { setRequestHandler(method: string, handler: RequestHandler): void };
    const setRequestHandler = low.setRequestHandler.bind(low);
    low.setRequestHandler = (method, handler) =>
      setRequestHandler(method, method === 'tools/list' ? (request, ctx) => this.answer(handler, request, ctx) : handler);
  }

  private async answer(render: RequestHandler, request: unknown, ctx: unknown): Promise<{ tools: ListedTool[] }> {
    const http = this.currentRequest();
    const set = http ? visibleSetOfRequest(http) : undefined;
    // Unauthenticated requests never reach the MCP handlers; without a caller there is nothing to show.
    if (!set) return { tools: [] };
    const cached = this.lists.get(set.key);
    if (cached) return cached;
    // mcp-nest's own rendering (already narrowed to the caller's scopes), reshaped and filtered once.
    const rendered = (await render(request, ctx)) as { tools: ListedTool[] };
    const byName = new Map(rendered.tools.map((tool) => [tool.name, tool]));
    const tools = visibleToolNames(set).flatMap((name) => {
      const tool = byName.get(name);
      return tool ? [present(tool)] : [];
    });
    const list = { tools };
    if (this.lists.size < MAX_CACHED_LISTS) this.lists.set(set.key, list);
    return list;
  }
}

function present(tool: ListedTool): ListedTool {
  const { title, ...hints } = tool.annotations ?? {};
  const { name, ...rest } = tool;
  return { name, ...(typeof title === 'string' && { title }), ...rest, annotations: hints };
}
