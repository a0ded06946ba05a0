import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { AccessDeniedError, PrincipalResolver } from '@app/access';
import { AppConfig, type Principal } from '@app/shared';
import { endpointResourceUrl, mcpEndpointOf } from './mcp-endpoint.js';

export const MCP_BEARER = 'mcp-bearer';

/** What the guard leaves on the request (as `user`): mcp-nest reads `scope` for @ToolScopes, tools read `principal`. */
export interface McpRequestUser {
  scope: string;
  principal: Principal;
}

@Injectable()
export class McpBearerStrategy extends PassportStrategy(Strategy, MCP_BEARER) {
  constructor(
    private readonly principals: PrincipalResolver,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async validate(req: Request): Promise<McpRequestUser> {
    const header = req.headers.authorization;
    const match = header ? /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(header) : null;
    if (!match) throw new AccessDeniedError(header ? 'malformed_token' : 'missing_token');
    // Audiences match exactly: a token is good only at the endpoint it was issued for.
    const principal = await this.principals.resolve(match[1]!, endpointResourceUrl(this.config, mcpEndpointOf(req)));
    return { scope: [...principal.scopes].join(' '), principal };
  }
}

/** The principal the guard authenticated for this request, if it ran. */
export function principalOfRequest(req: Request): Principal | undefined {
  return (req.user as McpRequestUser | undefined)?.principal;
}
