import { BadRequestException, ForbiddenException, HttpException, HttpStatus, Injectable, Logger, ServiceUnavailableException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request, Response } from 'express';
import { AccessDeniedError } from '@app/access';
import { AppConfig, ServiceUnavailableError } from '@app/shared';
import { MCP_BEARER, type McpRequestUser } from './mcp-bearer.strategy.js';
import { batchRefusal, McpRequestBudget } from './mcp-request-policy.js';
import { resourceMetadataUrl } from './mcp-server.host.js';

export const RETRY_AFTER_SECONDS = 5;
// JSON-RPC implementation-defined server error; `data.code` carries the stable `rate_limited`.
export const RATE_LIMITED_CODE = -32000;

function jsonRpcError(id: string | number | null, code: number, message: string, data?: Record<string, unknown>) {
  return { jsonrpc: '2.0', id, error: data ? { code, message, data } : { code, message } };
}

function singleId(body: unknown): string | number | null {
  const id = (body as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

/**
 * Authenticates every /mcp request once: Origin (DNS rebinding), then the bearer token and the live
 * access recheck, then the batch rules and the grant's request budget. Authentication failures answer
 * the way MCP clients expect to start (or restart) OAuth.
 */
@Injectable()
export class McpAuthGuard extends AuthGuard(MCP_BEARER) {
  private readonly logger = new Logger('McpGateway');
  private readonly allowedOrigin: string;
  private readonly challenge: string;

  constructor(
    private readonly config: AppConfig,
    private readonly budget: McpRequestBudget,
  ) {
    super();
    this.allowedOrigin = new URL(config.publicUrl).origin;
    this.challenge = `Bearer resource_metadata="${resourceMetadataUrl(config)}", scope="mcp:read mcp:write"`;
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request & { user?: McpRequestUser }>();
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== this.allowedOrigin) {
      throw new ForbiddenException({ error: 'forbidden_origin', error_description: `Origin ${origin.slice(0, 200)} is not allowed` });
    }
    if (!((await super.canActivate(context)) as boolean)) return false;
    const batchProblem = batchRefusal(req.body, req.headers['mcp-protocol-version'] as string | undefined);
    if (batchProblem) throw new BadRequestException(jsonRpcError(null, -32600, batchProblem));
    const refusal = await this.budget.spend(req.user!.principal.grantId, Array.isArray(req.body) ? req.body.length : 1);
    if (refusal) {
      context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(refusal.retryAfterSeconds));
      const message = `Rate limit exceeded: at most ${refusal.limit} requests per minute for this connection; retry after ${refusal.retryAfterSeconds} s.`;
      throw new HttpException(jsonRpcError(singleId(req.body), RATE_LIMITED_CODE, message, { code: 'rate_limited', ...refusal }), HttpStatus.TOO_MANY_REQUESTS);
    }
    return true;
  }

  override handleRequest<TUser>(error: unknown, user: TUser, _info: unknown, context: ExecutionContext): TUser {
    if (user && !error) return user;
    const res = context.switchToHttp().getResponse<Response>();
    if (error instanceof ServiceUnavailableError) {
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      throw new ServiceUnavailableException({ error: 'temporarily_unavailable', error_description: 'Access cannot be checked right now; retry shortly.' });
    }
    if (error instanceof AccessDeniedError) {
      if (error.reason === 'missing_token') {
        res.setHeader('WWW-Authenticate', this.challenge);
        throw new UnauthorizedException({ error: 'invalid_request', error_description: 'Authorization required: sign in with OAuth.' });
      }
      this.logger.debug(`Refused MCP request: ${error.reason}`);
      res.setHeader('WWW-Authenticate', `${this.challenge}, error="invalid_token"`);
      throw new UnauthorizedException({ error: 'invalid_token', error_description: 'The access token is invalid, expired or no longer authorized.' });
    }
    this.logger.error(`Unexpected error in the MCP access check: ${(error as Error)?.stack ?? String(error)}`);
    res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    throw new ServiceUnavailableException({ error: 'temporarily_unavailable', error_description: 'Access cannot be checked right now; retry shortly.' });
  }
}
