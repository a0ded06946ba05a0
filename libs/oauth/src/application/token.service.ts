import { Injectable } from '@nestjs/common';
import { OAuthError } from '../domain/oauth.errors.js';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant.js';
import { RefreshTokenGrant } from './grants/refresh-token.grant.js';
import { TokenExchangeGrant } from './grants/token-exchange.grant.js';
import type { TokenGrant, TokenParams, TokenResponse } from './grants/token-grant.js';

/** The token endpoint: a dispatch map from grant_type to the one grant that handles it. */
@Injectable()
export class TokenService {
  private readonly grants: ReadonlyMap<string, TokenGrant>;

  constructor(code: AuthorizationCodeGrant, refresh: RefreshTokenGrant, exchange: TokenExchangeGrant) {
    this.grants = new Map([code, refresh, exchange].map((grant) => [grant.grantType, grant]));
  }

  exchange(params: TokenParams): Promise<TokenResponse> {
    if (!params.grant_type) throw new OAuthError('invalid_request', 'grant_type is required.');
    const grant = this.grants.get(params.grant_type);
    if (!grant) throw new OAuthError('unsupported_grant_type', `Supported grant types: ${[...this.grants.keys()].join(', ')}.`);
    return grant.exchange(params);
  }
}
