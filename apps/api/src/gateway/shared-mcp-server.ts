import { AsyncLocalStorage } from 'node:async_hooks';
import {
  classifyInboundRequest,
  isJsonContentType,
  isJSONRPCRequest,
  isJSONRPCResponse,
  SUPPORTED_PROTOCOL_VERSIONS,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type JSONRPCResponse,
  type Transport,
} from '@modelcontextprotocol/server';
import type { McpHttpHandler, McpTransport, McpTransportContext } from '@rekog/mcp-nest';
import type { Request, Response } from 'express';

/**
 * The adapter between @rekog/mcp-nest and the MCP SDK that makes a request cost its own work only.
 *
 * mcp-nest 2.0.5 serves a stateless request by building an SDK server, binding every handler, building a
 * transport (which converts the Node request to a web Request and back) and tearing them down again. None
 * of that depends on the request except who is asking, so this adapter builds one server per process, with
 * mcp-nest's own handlers bound once, and lets each request reach them through AsyncLocalStorage:
 *
 * - It is an mcp-nest `McpTransport` (listed beside the Streamable HTTP transport), which is how it receives
 *   the strategy's server factory and handler binding; mcp-nest's tool pipeline (guards, interceptors,
 *   filters, scope checks) is unchanged.
 * - The SDK's protocol handling is unchanged too: the shared server is connected to an in-process transport
 *   and handles each JSON-RPC request exactly as a per-request server would (request ids are made unique
 *   while in flight, then restored).
 * - `tools/list` is computed once per distinct visible set (see `visibilityKey`) and its serialised answer
 *   served from memory after that.
 * - Only requests whose meaning a fresh server and the shared one cannot tell apart take this path: a single
 *   2025-era JSON-RPC request (not a notification, batch or `initialize`), for a method that keeps no state
 *   on the server, with headers the SDK transport would accept. Anything else — the 2026-07-28 era, a
 *   step-up 403, every error the SDK transport answers itself — goes to mcp-nest's transport as before.
 *
 * This is the one place where per-process MCP surface is assembled: a hook that adds or changes request
 * handlers (tool lists that depend on more than scopes, prompts, completion, tool titles, `input_required`
 * results) belongs in `serverMutator` (it runs on every server, shared or per-request) and must extend
 * `visibilityKey` if the tool list starts to depend on more than the granted scopes.
 *
 * Sessions of 2025-revision clients (see McpSessions) pass here too: an `initialize` may be answered with
 * an `Mcp-Session-Id`, a `tools/call` may send its client server-to-client requests on its own response
 * (which then becomes an SSE stream), and the client's JSON-RPC responses to them are taken here (202).
 */
export interface SharedMcpServerOptions {
  /** Everything that decides which tools a caller sees; callers with equal keys get the same `tools/list`. */
  visibilityKey(request: Request): string;
  /** The `Mcp-Session-Id` to answer this `initialize` with, if any. */
  sessionFor?(request: Request): string | undefined;
  /** Takes a client's JSON-RPC response to a server-to-client request; undefined leaves it to the SDK transport. */
  clientResponse?(message: JSONRPCResponse, request: Request): Promise<void> | undefined;
  /** Offers the tools behind a `tools/call` its response stream, for server-to-client requests. */
  attachStream?(request: Request, stream: CallStream): void;
}

/** One `tools/call`'s response, on which server-to-client requests can precede the result. */
export interface CallStream {
  /** Sends a request to the client, turning the response into an SSE stream; false once the client is gone. */
  send(message: JSONRPCRequest): boolean;
  /** Aborted when the client closes the connection before the response is complete. */
  readonly closed: AbortSignal;
}

// Idle SSE streams are cut by proxies (nginx: 60 s by default); a comment line keeps one open.
const KEEP_ALIVE_MS = 25_000;

/** A JSON response until the first server-to-client request; from then on SSE, ended by the result event. */
class ResponseStream implements CallStream {
  private readonly abort = new AbortController();
  private keepAlive?: NodeJS.Timeout;
  private streaming = false;

  constructor(private readonly res: Response) {
    res.once('close', () => {
      clearInterval(this.keepAlive);
      if (!res.writableEnded) this.abort.abort();
    });
  }

  get closed(): AbortSignal {
    return this.abort.signal;
  }

  send(message: JSONRPCRequest): boolean {
    if (this.abort.signal.aborted || this.res.writableEnded || this.res.destroyed) return false;
    if (!this.streaming) {
      this.streaming = true;
      this.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' });
      this.keepAlive = setInterval(() => this.res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
      this.keepAlive.unref();
    }
    this.res.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
    return true;
  }

  /** Ends a streaming response with the call's result; false when nothing was streamed (answer as JSON). */
  finish(body: string): boolean {
    if (!this.streaming) return false;
    clearInterval(this.keepAlive);
    if (!this.res.writableEnded && !this.res.destroyed) this.res.end(`event: message\ndata: ${body}\n\n`);
    return true;
  }
}

/** Methods that leave nothing behind on the server: safe to serve from one shared instance. */
const STATELESS_METHODS = new Set(['ping', 'tools/list', 'tools/call', 'resources/list', 'resources/templates/list', 'resources/read', 'prompts/list', 'prompts/get', 'completion/complete']);
const MAX_CACHED_TOOL_LISTS = 256;
const CLOSE_BRACE = Buffer.from('}');

const currentRequest = new AsyncLocalStorage<Request>();

/** The HTTP request an MCP handler is serving, on the shared server and on per-request ones alike. */
export function currentMcpRequest(): Request | undefined {
  return currentRequest.getStore();
}

/**
 * What mcp-nest's handlers receive as "the raw request": bound once, it reads through to the HTTP request
 * being served (the guard's `user` for @ToolScopes, `principal` for the tools).
 */
const requestView: object = new Proxy(
  {},
  {
    get: (_target, key) => {
      const request = currentRequest.getStore();
      return request === undefined ? undefined : Reflect.get(request, key, request);
    },
    has: (_target, key) => {
      const request = currentRequest.getStore();
      return request !== undefined && Reflect.has(request, key);
    },
  },
);

interface Pending {
  id: JSONRPCRequest['id'];
  resolve(message: Record<string, unknown>): void;
}

/** An in-process SDK transport: one JSON-RPC request in, its response out, many in flight at once. */
class InProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];
  supportedProtocolVersions: readonly string[] = SUPPORTED_PROTOCOL_VERSIONS;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  async start(): Promise<void> {}

  setSupportedProtocolVersions(versions: string[]): void {
    this.supportedProtocolVersions = versions;
  }

  /** Hands one request to the server; resolves with its response (under the client's own id). */
  request(message: JSONRPCRequest, onAbandon: (cancel: () => void) => void): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      // Clients reuse ids (every new connection starts at 1); the server tracks in-flight requests by id.
      const id = this.nextId++;
      this.pending.set(id, { id: message.id, resolve });
      onAbandon(() => this.pending.delete(id));
      this.onmessage?.({ ...message, id } as JSONRPCMessage, undefined);
    });
  }

  async send(message: JSONRPCMessage): Promise<void> {
    // Responses only: notifications and server-to-client requests have no stream to go to in a JSON
    // response, as with the SDK's own transport in JSON mode.
    if (!('id' in message) || message.id === undefined || 'method' in message) return;
    const pending = this.pending.get(message.id as number);
    if (!pending) return;
    this.pending.delete(message.id as number);
    pending.resolve({ ...message, id: pending.id });
  }

  async close(): Promise<void> {
    this.pending.clear();
    this.onclose?.();
  }
}

export class SharedMcpServer implements McpTransport {
  readonly kind = 'streamable-http' as const;
  // mcp-nest's types name the SDK's CommonJS declarations; its server type is the one to hold.
  private server?: ReturnType<McpTransportContext['createServer']>;
  private transport?: InProcessTransport;
  private ctx?: McpTransportContext;
  /** `tools/list` results by visibility key, serialised and UTF-8 encoded once (about 140 KB each). */
  private readonly toolLists = new Map<string, Buffer>();

  constructor(private readonly options: SharedMcpServerOptions) {}

  async start(ctx: McpTransportContext): Promise<void> {
    this.ctx = ctx;
    const server = ctx.createServer();
    ctx.bindRequestHandlers(server, { transport: 'streamable-http', stateless: true, era: 'legacy' }, requestView);
    const transport = new InProcessTransport();
    await server.connect(transport);
    this.server = server;
    this.transport = transport;
  }

  async close(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
    this.transport = undefined;
  }

  notifyListChanged(kind: 'tools' | 'resources' | 'prompts'): void {
    if (kind === 'tools') this.toolLists.clear();
  }

  /**
   * The HTTP handlers for the MCP route: requests the shared server can answer go to it, everything else to
   * `fallback` (mcp-nest's Streamable HTTP transport).
   */
  httpHandlers(fallback: McpHttpHandler): McpHttpHandler {
    return {
      handlePost: (req, res) => {
        const request = req as Request;
        const taken = this.takeClientResponse(request);
        if (taken) return taken.then(() => void (res as Response).status(202).end());
        if ((request.body as { method?: unknown } | undefined)?.method === 'initialize') {
          const sessionId = this.options.sessionFor?.(request);
          if (sessionId) (res as Response).setHeader('mcp-session-id', sessionId);
        }
        const message = this.servable(request);
        if (!message) return currentRequest.run(request, () => fallback.handlePost(req, res));
        return this.serve(message, request, res as Response);
      },
      handleGet: (req, res) => currentRequest.run(req as Request, () => fallback.handleGet(req, res)),
      handleDelete: (req, res) => currentRequest.run(req as Request, () => fallback.handleDelete(req, res)),
    };
  }

  private takeClientResponse(req: Request): Promise<void> | undefined {
    const body = req.body as Record<string, unknown> | undefined;
    if (typeof body !== 'object' || body === null || 'method' in body || !('id' in body)) return undefined;
    if (!isJsonContentType(req.headers['content-type'] ?? null) || !isJSONRPCResponse(body)) return undefined;
    return this.options.clientResponse?.(body, req);
  }

  /** The request, when the shared server answers it exactly as a per-request server would. */
  private servable(req: Request): JSONRPCRequest | undefined {
    if (!this.transport || !this.ctx) return undefined;
    const body: unknown = req.body;
    if (!isJSONRPCRequest(body) || !STATELESS_METHODS.has(body.method)) return undefined;
    const { headers } = req;
    const accept = headers.accept;
    if (!accept?.includes('application/json') || !accept.includes('text/event-stream')) return undefined;
    if (!isJsonContentType(headers['content-type'] ?? null)) return undefined;
    const version = headers['mcp-protocol-version'];
    if (version !== undefined && (typeof version !== 'string' || !this.transport.supportedProtocolVersions.includes(version))) return undefined;
    const header = (name: string) => (typeof headers[name] === 'string' ? (headers[name] as string) : undefined);
    const era = classifyInboundRequest({
      httpMethod: req.method,
      protocolVersionHeader: header('mcp-protocol-version'),
      mcpMethodHeader: header('mcp-method'),
      mcpNameHeader: header('mcp-name'),
      body,
    });
    if (era.kind !== 'legacy') return undefined;
    // A scope shortfall is answered by the transport with 403 and a step-up challenge.
    if (body.method === 'tools/call' && typeof body.params?.name === 'string' && this.ctx.toolCallScopeDeficiency(body.params.name, req)) return undefined;
    return body;
  }

  private async serve(message: JSONRPCRequest, req: Request, res: Response): Promise<void> {
    const listKey = message.method === 'tools/list' && message.params?.cursor === undefined ? this.options.visibilityKey(req) : undefined;
    const cached = listKey === undefined ? undefined : this.toolLists.get(listKey);
    if (cached !== undefined) {
      this.write(res, Buffer.concat([Buffer.from(`{"jsonrpc":"2.0","id":${JSON.stringify(message.id)},"result":`), cached, CLOSE_BRACE]));
      return;
    }
    const stream = message.method === 'tools/call' && this.options.attachStream ? new ResponseStream(res) : undefined;
    if (stream) this.options.attachStream!(req, stream);
    const response = await currentRequest.run(req, () =>
      this.transport!.request(message, (cancel) => res.once('close', cancel)),
    );
    if (listKey !== undefined && 'result' in response && this.toolLists.size < MAX_CACHED_TOOL_LISTS) {
      this.toolLists.set(listKey, Buffer.from(JSON.stringify(response.result)));
    }
    const body = JSON.stringify(response);
    if (!stream?.finish(body)) this.write(res, body);
  }

  private write(res: Response, body: string | Buffer): void {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.length });
    res.end(body);
  }
}
