import { Injectable, Logger } from '@nestjs/common';
import { Clock, hashSecret, newSecret } from '@app/shared';
import { GRANT_TYPE_CODE, REFRESH_TOKEN_LIFETIME_MS } from '../../domain/oauth-constants.js';
import { OAuthError } from '../../domain/oauth.errors.js';
import { verifierMatches } from '../../domain/pkce.js';
import { GrantRepository } from '../../infrastructure/grant.repository.js';
import { AccessTokenIssuer } from '../access-token.issuer.js';
import { ClientsService } from '../clients.service.js';
import { required, type TokenGrant, type TokenParams, type TokenResponse } from './token-grant.js';

/** RFC 6749 §4.1 with PKCE: a code is redeemed once, by its client, for its redirect URI and resource. */
@Injectable()
export class AuthorizationCodeGrant implements TokenGrant {
  readonly grantType = GRANT_TYPE_CODE;
  private readonly logger = new Logger('OAuthTokens');

  constructor(
    private readonly clients: ClientsService,
    private readonly grants: GrantRepository,
    private readonly issuer: AccessTokenIssuer,
    private readonly clock: Clock,
  ) {}

  async exchange(params: TokenParams): Promise<TokenResponse> {
    const client = await this.clients.resolveForGrant(params.client_id, GRANT_TYPE_CODE);
    const code = required(params, 'code');
    const redirectUri = required(params, 'redirect_uri');
    const verifier = params.code_verifier;
    if (!verifier) throw new OAuthError('invalid_request', 'code_verifier is required (PKCE).');
    const now = this.clock.now();
    const refreshToken = newSecret();
    const redemption = await this.grants.redeemCode(
      hashSecret(code),
      now,
      (stored) => {
        // Any failed attempt still uses up the code: a code is tried at most once.
        if (stored.clientId !== client.id) return new OAuthError('invalid_grant', 'The code was issued to another client.');
        if (stored.expiresAt <= now) return new OAuthError('invalid_grant', 'The code has expired.');
        if (stored.redirectUri !== redirectUri) return new OAuthError('invalid_grant', 'redirect_uri does not match the authorization request.');
        if (!verifierMatches(verifier, stored.codeChallenge)) return new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge.');
        if (params.resource && params.resource !== stored.resource) return new OAuthError('invalid_target', 'resource does not match the authorization request.');
        return null;
      },
      { tokenHash: hashSecret(refreshToken), expiresAt: new Date(now.getTime() + REFRESH_TOKEN_LIFETIME_MS) },
      new Date(), // the session's liveness, as SessionsService.isActive reads it: against the wall clock
    );
    switch (redemption.outcome) {
      case 'unknown':
        throw new OAuthError('invalid_grant', 'The code is invalid.');
      case 'replayed':
        if (redemption.revokedGrantId) this.logger.warn(`Authorization code replayed; revoked grant ${redemption.revokedGrantId}`);
        throw new OAuthError('invalid_grant', 'The code has already been used; the tokens issued from it are revoked.');
      case 'rejected':
        throw redemption.refusal;
      case 'issued':
        break;
    }
    const { grant } = redemption;
    if (!redemption.sessionActive) {
      await this.grants.revoke(grant.id, 'session_ended', now);
      throw new OAuthError('invalid_grant', 'The sign-in session behind this code has ended.');
    }
    const access = await this.issuer.issue(grant, grant.scope);
    return { access_token: access.accessToken, token_type: 'Bearer', expires_in: access.expiresIn, scope: grant.scope, refresh_token: refreshToken };
  }
}
