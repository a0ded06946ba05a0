import { AsyncLocalStorage } from 'node:async_hooks';
import {
  classifyInboundRequest,
  isJsonContentType,
  isJSONRPCRequest,
  isJSONRPCResponse,
  ProtocolErrorCode,
  SUPPORTED_PROTOCOL_VERSIONS,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type JSONRPCResponse,
  type MessageExtraInfo,
  type Transport,
  type TransportSendOptions,
} from '@modelcontextprotocol/server';
import type { McpHttpHandler, McpTransport, McpTransportContext } from '@rekog/mcp-nest';
import type { Request, Response } from 'express';

/**
 * The adapter between @rekog/mcp-nest and the MCP SDK that makes a request cost its own work only.
 *
 * mcp-nest 2.0.5 serves a stateless request by building an SDK server, binding every handler, building a
 * transport (which converts the Node request to a web Request and back) and tearing them down again. None
 * of that depends on the request except who is asking, so this adapter builds its servers once per process,
 * with mcp-nest's own handlers bound once, and lets each request reach them through AsyncLocalStorage:
 *
 * - It is an mcp-nest `McpTransport` (listed beside the Streamable HTTP transport), which is how it receives
 *   the strategy's server factory and handler binding; mcp-nest's tool pipeline (guards, interceptors,
 *   filters, scope checks) is unchanged.
 * - The SDK keeps a server's protocol era as instance state (the 2025 revisions, or 2026-07-28 with its
 *   per-request `_meta` envelope and `input_required` results), so there is one shared server per era:
 *   each connected to an in-process transport and handling each JSON-RPC request exactly as a per-request
 *   server of that era would (request ids are made unique while in flight, then restored). Everything the
 *   2026-07-28 revision declares per request — client capabilities and info, `inputResponses`,
 *   `requestState` — travels in the request itself and reaches the handlers from there.
 * - `tools/list` is computed once per era and distinct visible set (see `visibilityKey`) and its
 *   serialised answer served from memory after that.
 * - Only requests whose meaning a fresh server and the shared one cannot tell apart take this path: a single
 *   JSON-RPC request (not a notification, batch or `initialize`), for a method that keeps no state on the
 *   server, with headers the SDK's own entry would accept as they are (2025: its Streamable HTTP transport;
 *   2026-07-28: the standard `MCP-Protocol-Version`, `Mcp-Method` and `Mcp-Name` headers matching the body).
 *   Anything else — `server/discover`, a step-up 403, every error the SDK answers before dispatch — goes
 *   to mcp-nest's transport as before.
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

/** One call's response, on which server-to-client requests (or related notifications) can precede the result. */
export interface CallStream {
  /** Sends a request to the client, turning the response into an SSE stream; false once the client is gone. */
  send(message: JSONRPCRequest): boolean;
  /** Aborted when the client closes the connection before the response is complete. */
  readonly closed: AbortSignal;
}

// Idle SSE streams are cut by proxies (nginx: 60 s by default); a comment line keeps one open.
const KEEP_ALIVE_MS = 25_000;

/**
 * A JSON response until the first message that precedes the result; from then on SSE, ended by the result
 * event. Costs nothing until used: most calls never stream.
 */
class ResponseStream implements CallStream {
  private abort?: AbortController;
  private keepAlive?: NodeJS.Timeout;
  private streaming = false;

  constructor(private readonly res: Response) {}

  get closed(): AbortSignal {
    if (!this.abort) {
      this.abort = new AbortController();
      if (this.res.destroyed && !this.res.writableEnded) this.abort.abort();
      else this.res.once('close', () => !this.res.writableEnded && this.abort!.abort());
    }
    return this.abort.signal;
  }

  send(message: JSONRPCMessage): boolean {
    if (this.abort?.signal.aborted || this.res.writableEnded || this.res.destroyed) return false;
    if (!this.streaming) {
      this.streaming = true;
      this.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' });
      this.keepAlive = setInterval(() => this.res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
      this.keepAlive.unref();
      this.res.once('close', () => clearInterval(this.keepAlive));
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
/** The revision the shared modern server answers; a request claiming any other is left to the SDK's entry. */
const MODERN_REVISION = '2026-07-28';
/** 2026-07-28: the body field the `Mcp-Name` header must mirror, per method (the SDK's standard-header rung). */
const NAME_HEADER_SOURCE: Record<string, string | undefined> = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' };
/** Methods whose response may carry related notifications before the result (2026-07-28 streams them). */
const CALL_METHODS = new Set(['tools/call', 'prompts/get', 'resources/read']);
// HTTP statuses the SDK's 2026-07-28 per-request transport gives JSON-RPC errors raised before a handler
// runs (its validation ladder); a missing client capability is a 400 wherever it is raised.
const HEADER_MISMATCH = -32020;
const LADDER_STATUS = new Map<number, number>([
  [ProtocolErrorCode.ParseError, 400],
  [ProtocolErrorCode.InvalidRequest, 400],
  [ProtocolErrorCode.MethodNotFound, 404],
  [ProtocolErrorCode.UnsupportedProtocolVersion, 400],
  [ProtocolErrorCode.MissingRequiredClientCapability, 400],
  [HEADER_MISMATCH, 400],
]);

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

type Era = 'legacy' | 'modern';

/** A request's response: the JSON-RPC message under the client's own id, and the HTTP status to send it with. */
interface Answer {
  message: Record<string, unknown>;
  status: number;
}

interface Exchange {
  id: JSONRPCRequest['id'];
  resolve(answer: Answer): void;
  /** Where related notifications go before the result (2026-07-28); without one they are dropped. */
  stream?: ResponseStream;
  /** True while the server handles the message synchronously: errors raised then are ladder errors. */
  dispatching: boolean;
}

/** An in-process SDK transport: one JSON-RPC request in, its response out, many in flight at once. */
class InProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];
  supportedProtocolVersions: readonly string[] = SUPPORTED_PROTOCOL_VERSIONS;
  private readonly pending = new Map<number, Exchange>();
  private nextId = 1;

  /** `ladder`: answer pre-dispatch errors with the 2026-07-28 transport's HTTP statuses (otherwise 200). */
  constructor(private readonly ladder: boolean) {}

  async start(): Promise<void> {}

  setSupportedProtocolVersions(versions: string[]): void {
    this.supportedProtocolVersions = versions;
  }

  /** Hands one request to the server; resolves with its response (under the client's own id). */
  request(message: JSONRPCRequest, extra: MessageExtraInfo | undefined, stream: ResponseStream | undefined, onAbandon: (cancel: () => void) => void): Promise<Answer> {
    return new Promise((resolve) => {
      // Clients reuse ids (every new connection starts at 1); the server tracks in-flight requests by id.
      const id = this.nextId++;
      const exchange: Exchange = { id: message.id, resolve, stream, dispatching: true };
      this.pending.set(id, exchange);
      onAbandon(() => this.pending.delete(id));
      try {
        this.onmessage?.({ ...message, id } as JSONRPCMessage, extra);
      } finally {
        exchange.dispatching = false;
      }
    });
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if ('method' in message) {
      // Notifications (and server-to-client requests) have a stream only where the era streams them; in a
      // 2025 JSON response they are dropped, as by the SDK's own transport in JSON mode.
      const related = options?.relatedRequestId;
      if (related !== undefined) this.pending.get(related as number)?.stream?.send(message);
      return;
    }
    if (!('id' in message) || message.id === undefined) return;
    const exchange = this.pending.get(message.id as number);
    if (!exchange) return;
    this.pending.delete(message.id as number);
    const code = 'error' in message ? message.error.code : undefined;
    const ladder = this.ladder && code !== undefined && (exchange.dispatching || code === ProtocolErrorCode.MissingRequiredClientCapability) ? LADDER_STATUS.get(code) : undefined;
    exchange.resolve({ message: { ...message, id: exchange.id }, status: ladder ?? 200 });
  }

  async close(): Promise<void> {
    this.pending.clear();
    this.onclose?.();
  }
}

// mcp-nest's types name the SDK's CommonJS declarations; its server type is the one to hold.
type SdkServer = ReturnType<McpTransportContext['createServer']>;

interface Lane {
  server: SdkServer;
  transport: InProcessTransport;
}

/**
 * Binds a server to the 2026-07-28 revision the way the SDK's HTTP entry binds each per-request server
 * before it serves one (the negotiated version is the instance's era). False if this SDK keeps it elsewhere:
 * then that era stays on the per-request path.
 */
function bindToRevision(server: SdkServer, revision: string): boolean {
  const low = server.server as unknown as { _negotiatedProtocolVersion?: string };
  if (!('_negotiatedProtocolVersion' in low)) return false;
  low._negotiatedProtocolVersion = revision;
  return true;
}

/** A request the shared server of `era` answers exactly as a per-request one would. */
interface Route {
  era: Era;
  message: JSONRPCRequest;
  extra?: MessageExtraInfo;
}

export class SharedMcpServer implements McpTransport {
  readonly kind = 'streamable-http' as const;
  private lanes: Partial<Record<Era, Lane>> = {};
  private ctx?: McpTransportContext;
  /** `tools/list` results by era and visibility key, serialised and UTF-8 encoded once (about 140 KB each). */
  private readonly toolLists = new Map<string, Buffer>();

  constructor(private readonly options: SharedMcpServerOptions) {}

  async start(ctx: McpTransportContext): Promise<void> {
    this.ctx = ctx;
    for (const era of ['legacy', 'modern'] as const) {
      const server = ctx.createServer();
      ctx.bindRequestHandlers(server, { transport: 'streamable-http', stateless: true, era }, requestView);
      if (era === 'modern' && !bindToRevision(server, MODERN_REVISION)) {
        ctx.logger.warn('2026-07-28 requests are served per request: this MCP SDK keeps the protocol era elsewhere');
        continue;
      }
      const transport = new InProcessTransport(era === 'modern');
      await server.connect(transport);
      this.lanes[era] = { server, transport };
    }
  }

  async close(): Promise<void> {
    const lanes = Object.values(this.lanes);
    this.lanes = {};
    for (const lane of lanes) await lane.server.close();
  }

  notifyListChanged(kind: 'tools' | 'resources' | 'prompts'): void {
    if (kind === 'tools') this.toolLists.clear();
  }

  /**
   * The HTTP handlers for the MCP route: requests the shared servers can answer go to them, everything else
   * to `fallback` (mcp-nest's Streamable HTTP transport).
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
        const route = this.route(request);
        if (!route) return currentRequest.run(request, () => fallback.handlePost(req, res));
        return this.serve(route, request, res as Response);
      },
      handleGet: (req, res) => currentRequest.run(req as Request, () => fallback.handleGet(req, res)),
      handleDelete: (req, res) => currentRequest.run(req as Request, () => fallback.handleDelete(req, res)),
    };
  }

  private takeClientResponse(req: Request): Promise<void> | undefined {
    const body = req.body as Record<string, unknown> | undefined;
    if (typeof body !== 'object' || body === null || 'method' in body || !('id' in body)) return undefined;
    if (!isJsonContentType(req.headers['content-type'] ?? null)) return undefined;
    if (!isJSONRPCResponse(body)) return undefined;
    return this.options.clientResponse?.(body, req);
  }

  /** The request and the era it is served in, when a shared server answers it exactly as a per-request one would. */
  private route(req: Request): Route | undefined {
    if (!this.ctx) return undefined;
    const body: unknown = req.body;
    if (!isJSONRPCRequest(body) || !STATELESS_METHODS.has(body.method)) return undefined;
    const { headers } = req;
    if (!isJsonContentType(headers['content-type'] ?? null)) return undefined;
    const header = (name: string) => (typeof headers[name] === 'string' ? (headers[name] as string) : undefined);
    const version = header('mcp-protocol-version');
    const outcome = classifyInboundRequest({
      httpMethod: req.method,
      protocolVersionHeader: version,
      mcpMethodHeader: header('mcp-method'),
      mcpNameHeader: header('mcp-name'),
      body,
    });
    let route: Route;
    if (outcome.kind === 'legacy') {
      const legacy = this.lanes.legacy;
      if (!legacy) return undefined;
      const accept = headers.accept;
      if (!accept?.includes('application/json') || !accept.includes('text/event-stream')) return undefined;
      if (headers['mcp-protocol-version'] !== undefined && (version === undefined || !legacy.transport.supportedProtocolVersions.includes(version))) return undefined;
      route = { era: 'legacy', message: body };
    } else if (outcome.kind === 'modern' && outcome.messageKind === 'request') {
      if (!this.lanes.modern || outcome.classification.revision !== MODERN_REVISION) return undefined;
      // The SDK entry's standard-header rung, taking only requests it passes as sent (it answers the rest).
      if (version !== MODERN_REVISION || header('mcp-method') !== body.method) return undefined;
      const nameField = NAME_HEADER_SOURCE[body.method];
      if (nameField !== undefined) {
        const named = body.params?.[nameField];
        if (typeof named !== 'string' || header('mcp-name') !== named) return undefined;
      }
      route = { era: 'modern', message: outcome.message, extra: { classification: outcome.classification } };
    } else {
      return undefined;
    }
    // A scope shortfall is answered by the transport with 403 and a step-up challenge.
    if (body.method === 'tools/call' && typeof body.params?.name === 'string' && this.ctx.toolCallScopeDeficiency(body.params.name, req)) return undefined;
    return route;
  }

  private async serve({ era, message, extra }: Route, req: Request, res: Response): Promise<void> {
    const listKey = message.method === 'tools/list' && message.params?.cursor === undefined ? `${era}|${this.options.visibilityKey(req)}` : undefined;
    const cached = listKey === undefined ? undefined : this.toolLists.get(listKey);
    if (cached !== undefined) {
      this.writeToolList(res, message.id, cached);
      return;
    }
    let stream: ResponseStream | undefined;
    if (era === 'modern' ? CALL_METHODS.has(message.method) : message.method === 'tools/call' && this.options.attachStream) stream = new ResponseStream(res);
    if (stream && era === 'legacy') this.options.attachStream!(req, stream);
    const answer = await currentRequest.run(req, () =>
      this.lanes[era]!.transport.request(message, extra, era === 'modern' ? stream : undefined, (cancel) => res.once('close', cancel)),
    );
    if (listKey !== undefined && 'result' in answer.message && this.toolLists.size < MAX_CACHED_TOOL_LISTS) {
      this.toolLists.set(listKey, Buffer.from(JSON.stringify(answer.message.result)));
    }
    const body = JSON.stringify(answer.message);
    if (!stream?.finish(body)) this.write(res, body, answer.status);
  }

  /**
   * The cached list goes to the socket as it is, between its envelope's two ends: copying 140 KB into one
   * buffer per request left the allocator's heap fragmented by tens of MB after a burst of lists.
   */
  private writeToolList(res: Response, id: JSONRPCRequest['id'], list: Buffer): void {
    if (res.writableEnded || res.destroyed) return;
    const head = Buffer.from(`{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":`);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': head.length + list.length + CLOSE_BRACE.length });
    res.cork();
    res.write(head);
    res.write(list);
    res.end(CLOSE_BRACE);
  }

  private write(res: Response, body: string | Buffer, status: number): void {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.length });
    res.end(body);
  }
}
