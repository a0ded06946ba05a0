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
    // Unknown, expired, malformed and other clients' tokens: nothing to do, and one answer for all, so
    // revocation cannot be used to learn whether a token is valid.
    if (grantId) await this.grants.revoke(grantId, 'revoked_by_client', this.clock.now());
  }

  private async grantOf(token: string, clientId: string): Promise<string | null> {
    if (token.length <= 200) {
      const refresh = await this.grants.findRefreshToken(hashSecret(token));
      if (refresh) return refresh.grant.clientId === clientId ? refresh.grantId : null;
    }
    let claims;
    try {
      claims = await this.verifier.verify(token);
    } catch {
      return null;
    }
    return claims.client_id === clientId ? claims.gid : null;
  }
}
