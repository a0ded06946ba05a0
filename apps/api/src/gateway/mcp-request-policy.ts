import { BadRequestException, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig, Clock, RateLimiter } from '@app/shared';
import type { McpRequestUser } from './mcp-bearer.strategy.js';

// JSON-RPC batching was removed from MCP in 2025-06-18; older revisions may batch, up to this many messages.
export const FIRST_VERSION_WITHOUT_BATCHES = '2025-06-18';
export const MAX_BATCH_MESSAGES = 10;
export const MCP_BUDGET_WINDOW_MS = 60_000;
// JSON-RPC implementation-defined server error; `data.code` carries the stable `rate_limited`.
export const RATE_LIMITED_CODE = -32000;
const PROTOCOL_VERSION_META = 'io.modelcontextprotocol/protocolVersion';

function versionsClaimedBy(message: unknown): string[] {
  if (typeof message !== 'object' || message === null) return [];
  const { method, params } = message as { method?: unknown; params?: { protocolVersion?: unknown; _meta?: Record<string, unknown> } };
  const claimed: unknown[] = [params?._meta?.[PROTOCOL_VERSION_META]];
  if (method === 'initialize') claimed.push(params?.protocolVersion);
  return claimed.filter((v): v is string => typeof v === 'string');
}

// Only a dated revision before 2025-06-18 allows batches; a draft or unknown name is treated as newer.
function allowsBatches(version: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(version) && version < FIRST_VERSION_WITHOUT_BATCHES;
}

/**
 * Why a JSON-RPC batch must be refused, or null for a single message or an acceptable batch. The
 * version comes from the MCP-Protocol-Version header and from what the messages themselves claim
 * (initialize params, `_meta`), so leaving the header out does not unlock batching.
 */
export function batchRefusal(body: unknown, headerVersion: string | undefined): string | null {
  if (!Array.isArray(body)) return null;
  if (body.length === 0) return 'Invalid Request: an empty batch.';
  const claimed = body.flatMap(versionsClaimedBy);
  if (headerVersion !== undefined) claimed.push(headerVersion);
  const newer = claimed.find((version) => !allowsBatches(version));
  if (newer !== undefined) return `Invalid Request: JSON-RPC batches are not supported in protocol version ${newer.slice(0, 40)}; send one message per request.`;
  if (body.length > MAX_BATCH_MESSAGES) return `Invalid Request: a batch may hold at most ${MAX_BATCH_MESSAGES} messages (this one has ${body.length}).`;
  return null;
}

export interface BudgetRefusal {
  limit: number;
  windowSeconds: number;
  retryAfterSeconds: number;
  retryAt: string;
}

/**
 * The per-grant (token family) request budget on /mcp: MCP_REQUESTS_PER_MINUTE messages per fixed
 * minute, counted on the shared counters (Redis when REDIS_URL is set) — one counter update per request.
 */
@Injectable()
export class McpRequestBudget {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async spend(grantId: string, messages: number): Promise<BudgetRefusal | null> {
    if (!this.config.rateLimits) return null;
    const state = await this.limiter.increment(`mcp:grant:${grantId}`, MCP_BUDGET_WINDOW_MS, messages);
    if (state.count <= this.config.mcpRequestsPerMinute) return null;
    const retryAfterSeconds = Math.max(1, Math.ceil(state.resetInMs / 1000));
    return {
      limit: this.config.mcpRequestsPerMinute,
      windowSeconds: MCP_BUDGET_WINDOW_MS / 1000,
      retryAfterSeconds,
      retryAt: new Date(this.clock.nowMs() + retryAfterSeconds * 1000).toISOString(),
    };
  }
}

function jsonRpcError(id: string | number | null, code: number, message: string, data?: Record<string, unknown>) {
  return { jsonrpc: '2.0', id, error: data ? { code, message, data } : { code, message } };
}

function singleId(body: unknown): string | number | null {
  const id = (body as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

/** What the gateway guard runs after authentication: the batch rules, then the grant's budget. */
@Injectable()
export class McpRequestPolicy {
  constructor(private readonly budget: McpRequestBudget) {}

  async admit(req: Request, res: Response): Promise<void> {
    const batchProblem = batchRefusal(req.body, req.headers['mcp-protocol-version'] as string | undefined);
    if (batchProblem) throw new BadRequestException(jsonRpcError(null, -32600, batchProblem));
    const { principal } = req.user as McpRequestUser;
    const refusal = await this.budget.spend(principal.grantId, Array.isArray(req.body) ? req.body.length : 1);
    if (!refusal) return;
    res.setHeader('Retry-After', String(refusal.retryAfterSeconds));
    const message = `Rate limit exceeded: at most ${refusal.limit} requests per minute for this connection; retry after ${refusal.retryAfterSeconds} s.`;
    throw new HttpException(jsonRpcError(singleId(req.body), RATE_LIMITED_CODE, message, { code: 'rate_limited', ...refusal }), HttpStatus.TOO_MANY_REQUESTS);
  }
}
