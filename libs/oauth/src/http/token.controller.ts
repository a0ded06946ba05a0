import { Body, Controller, Header, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { OAuthError } from '../domain/oauth.errors.js';
import { RequestLimits } from '../application/request-limits.service.js';
import { RevocationService } from '../application/revocation.service.js';
import type { TokenParams, TokenResponse } from '../application/grants/token-grant.js';
import { TokenService } from '../application/token.service.js';
import { allowAnyOrigin } from './cors.js';
import { OAuthExceptionFilter } from './oauth-exception.filter.js';

/** The token endpoint (all grants) and RFC 7009 revocation. */
@Controller('oauth')
@UseFilters(OAuthExceptionFilter)
export class TokenController {
  constructor(
    private readonly tokens: TokenService,
    private readonly revocation: RevocationService,
    private readonly limits: RequestLimits,
  ) {}

  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  token(@Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<TokenResponse> {
    allowAnyOrigin(res);
    const params = formParams(req, body);
    return this.limits.token(clientAddress(req), params, () => this.tokens.exchange(params));
  }

  /** RFC 7009: 200 whether the token was known, unknown or another client's. */
  @Post('revoke')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async revoke(@Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<Record<string, never>> {
    allowAnyOrigin(res);
    const params = formParams(req, body);
    await this.limits.admitRevocation(clientAddress(req), params);
    await this.revocation.revoke(params);
    return {};
  }
}

// RFC 6749 §3.2 and RFC 7009 §2.1: these endpoints take form-encoded parameters only, each at most once.
function formParams(req: Request, body: unknown): TokenParams {
  if (!req.is('application/x-www-form-urlencoded') || typeof body !== 'object') {
    throw new OAuthError('invalid_request', 'Send the parameters as application/x-www-form-urlencoded.');
  }
  const params: TokenParams = {};
  for (const [name, value] of Object.entries(body ?? {})) {
    if (typeof value !== 'string') throw new OAuthError('invalid_request', `The parameter ${name.slice(0, 50)} must appear once.`);
    params[name] = value;
  }
  return params;
}

// Express resolves X-Forwarded-For only from a trusted (loopback) proxy; see bootstrap.ts.
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}
