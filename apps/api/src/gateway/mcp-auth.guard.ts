import { ForbiddenException, Injectable, Logger, ServiceUnavailableException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request, Response } from 'express';
import { AccessDeniedError } from '@app/access';
import { AppConfig, ServiceUnavailableError, UNAVAILABLE_RETRY_AFTER_SECONDS } from '@app/shared';
import { MCP_BEARER, type McpRequestUser } from './mcp-bearer.strategy.js';
import { McpRequestPolicy } from './mcp-request-policy.js';
import { McpSessions } from './mcp-session.js';
import { MCP_RESOURCE_METADATA_URL } from '@rekog/mcp-nest';
import { endpointMetadataUrl, mcpEndpointOf } from './mcp-endpoint.js';

/**
 * Authenticates every /mcp request once: Origin (DNS rebinding), then the bearer token and the live
 * access recheck, then the `Mcp-Session-Id` if one is sent, then the request policy (batches, the grant's
 * budget). Authentication failures answer the way MCP clients expect to start (or restart) OAuth.
 */
@Injectable()
export class McpAuthGuard extends AuthGuard(MCP_BEARER) {
  private readonly logger = new Logger('McpGateway');
  private readonly allowedOrigin: string;

  constructor(
    private readonly config: AppConfig,
    private readonly requestPolicy: McpRequestPolicy,
    private readonly sessions: McpSessions,
  ) {
    super();
    this.allowedOrigin = new URL(config.publicUrl).origin;
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    // Step-up (403 insufficient_scope) challenges point at this endpoint's metadata too.
    (req as Request & { [MCP_RESOURCE_METADATA_URL]?: string })[MCP_RESOURCE_METADATA_URL] = endpointMetadataUrl(this.config, mcpEndpointOf(req));
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== this.allowedOrigin) {
      throw new ForbiddenException({ error: 'forbidden_origin', error_description: `Origin ${origin.slice(0, 200)} is not allowed` });
    }
    if (!((await super.canActivate(context)) as boolean)) return false;
    this.sessions.admit(req, (req.user as McpRequestUser).principal);
    await this.requestPolicy.admit(req, context.switchToHttp().getResponse<Response>());
    return true;
  }

  override handleRequest<TUser>(error: unknown, user: TUser, _info: unknown, context: ExecutionContext): TUser {
    if (user && !error) return user;
    const res = context.switchToHttp().getResponse<Response>();
    const endpoint = mcpEndpointOf(context.switchToHttp().getRequest<Request>());
    const challenge = `Bearer resource_metadata="${endpointMetadataUrl(this.config, endpoint)}", scope="${endpoint.scopes.join(' ')}"`;
    if (error instanceof ServiceUnavailableError) {
      res.setHeader('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
      throw new ServiceUnavailableException({ error: 'temporarily_unavailable', error_description: 'Access cannot be checked right now; retry shortly.' });
    }
    if (error instanceof AccessDeniedError) {
      if (error.reason === 'missing_token') {
        res.setHeader('WWW-Authenticate', challenge);
        throw new UnauthorizedException({ error: 'invalid_request', error_description: 'Authorization required: sign in with OAuth.' });
      }
      this.logger.debug(`Refused MCP request: ${error.reason}`);
      res.setHeader('WWW-Authenticate', `${challenge}, error="invalid_token"`);
      throw new UnauthorizedException({ error: 'invalid_token', error_description: 'The access token is invalid, expired or no longer authorized.' });
    }
    this.logger.error(`Unexpected error in the MCP access check: ${(error as Error)?.stack ?? String(error)}`);
    res.setHeader('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
    throw new ServiceUnavailableException({ error: 'temporarily_unavailable', error_description: 'Access cannot be checked right now; retry shortly.' });
  }
}
