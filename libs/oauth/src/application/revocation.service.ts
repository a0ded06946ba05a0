import { Injectable } from '@nestjs/common';
import { AccessTokenVerifier } from '@app/access';
import { Clock, hashSecret } from '@app/shared';
import { OAuthError } from '../domain/oauth.errors.js';
import { GrantRepository } from '../infrastructure/grant.repository.js';
import { ClientsService } from './clients.service.js';
import type { TokenParams } from './grants/token-grant.js';

/** RFC 7009: revoking a refresh or access token ends its whole family (the grant). */
@Injectable()
export class RevocationService {
  constructor(
    private readonly clients: ClientsService,
    private readonly grants: GrantRepository,
    private readonly verifier: AccessTokenVerifier,
    private readonly clock: Clock,
  ) {}

  async revoke(params: TokenParams): Promise<void> {
    const client = await this.clients.resolve(params.client_id);
    const token = params.token;
    if (!token) throw new OAuthError('invalid_request', 'token is required.');
    const grantId = await this.grantOf(token, client.id);
    // Unknown, expired or malformed tokens: nothing to do, and the answer must not tell them apart.
    if (grantId) await this.grants.revoke(grantId, 'revoked_by_client', this.clock.now());
  }

  private async grantOf(token: string, clientId: string): Promise<string | null> {
    if (token.length <= 200) {
      const refresh = await this.grants.findRefreshToken(hashSecret(token));
      if (refresh) {
        if (refresh.grant.clientId !== clientId) throw notYours();
        return refresh.grantId;
      }
    }
    let claims;
    try {
      claims = await this.verifier.verify(token);
    } catch {
      return null;
    }
    if (claims.client_id !== clientId) throw notYours();
    return claims.gid;
  }
}

function notYours(): OAuthError {
  return new OAuthError('unauthorized_client', 'The token was not issued to this client.');
}
