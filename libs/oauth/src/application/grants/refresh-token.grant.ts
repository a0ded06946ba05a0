import { createHmac } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, Clock, hashSecret } from '@app/shared';
import { GRANT_TYPE_REFRESH, REFRESH_REUSE_GRACE_MS, REFRESH_TOKEN_LIFETIME_MS } from '../../domain/oauth-constants.js';
import { OAuthError } from '../../domain/oauth.errors.js';
import { resolveResource } from '../../domain/resource.js';
import { narrowScope } from '../../domain/scope.js';
import { GrantRepository, type GrantRecord, type RefreshTokenForRotation } from '../../infrastructure/grant.repository.js';
import { AccessTokenIssuer } from '../access-token.issuer.js';
import { ClientsService } from '../clients.service.js';
import { required, type TokenGrant, type TokenParams, type TokenResponse } from './token-grant.js';

/**
 * RFC 6749 §6 with rotation: every use returns a successor and retires the token. Presenting a retired
 * token again revokes the whole family, except a retry within the grace window, which gets the same
 * successor (concurrent refreshes by one client must not sign it out).
 */
@Injectable()
export class RefreshTokenGrant implements TokenGrant {
  readonly grantType = GRANT_TYPE_REFRESH;
  private readonly logger = new Logger('OAuthTokens');
  private readonly successorKey: Buffer;

  constructor(
    private readonly config: AppConfig,
    private readonly clients: ClientsService,
    private readonly grants: GrantRepository,
    private readonly issuer: AccessTokenIssuer,
    private readonly clock: Clock,
  ) {
    this.successorKey = createHmac('sha256', config.secretsKey).update('openwork:refresh-successor').digest();
  }

  async exchange(params: TokenParams): Promise<TokenResponse> {
    const client = await this.clients.resolveForGrant(params.client_id, GRANT_TYPE_REFRESH);
    const presented = required(params, 'refresh_token');
    if (presented.length > 200) throw new OAuthError('invalid_grant', 'The refresh token is invalid.');
    // The session's liveness is read with the token (one round trip); as SessionsService.isActive does,
    // against the wall clock.
    const record = await this.grants.findRefreshTokenForRotation(hashSecret(presented), new Date());
    if (!record) throw new OAuthError('invalid_grant', 'The refresh token is invalid.');
    if (record.grant.clientId !== client.id) {
      // A rotated token can only reach another client by leaking: end the family like any other reuse.
      if (record.rotatedAt && !record.grant.revokedAt) {
        await this.grants.revoke(record.grant.id, 'refresh_token_reused', this.clock.now());
        this.logger.warn(`Rotated refresh token presented by another client; revoked grant ${record.grant.id}`);
      }
      throw new OAuthError('invalid_grant', 'The refresh token was issued to another client.');
    }
    // A refresh keeps the grant's resource; naming another one is refused, not a way to switch.
    if (resolveResource(params.resource, this.config.publicUrl, record.grant.resource) !== record.grant.resource) {
      throw new OAuthError('invalid_target', 'resource does not match the one this refresh token was issued for.');
    }
    return this.rotate(record, presented, params.scope, true);
  }

  private async rotate(record: RefreshTokenForRotation, presented: string, requestedScope: string | undefined, firstTry: boolean): Promise<TokenResponse> {
    const now = this.clock.now();
    const { grant } = record;
    if (grant.revokedAt || record.revokedAt) throw new OAuthError('invalid_grant', 'The refresh token has been revoked.');
    const successor = this.successorOf(presented);
    if (record.rotatedAt) {
      const child = record.child;
      const retry =
        child !== null &&
        now.getTime() - record.rotatedAt.getTime() <= REFRESH_REUSE_GRACE_MS &&
        child.rotatedAt === null &&
        child.revokedAt === null &&
        child.tokenHash === hashSecret(successor);
      if (!retry) {
        await this.grants.revoke(grant.id, 'refresh_token_reused', now);
        this.logger.warn(`Rotated refresh token reused; revoked grant ${grant.id}`);
        throw new OAuthError('invalid_grant', 'The refresh token was already used; this sign-in has been revoked. Sign in again.');
      }
      return this.respond(grant, child.scope, successor);
    }
    if (record.expiresAt <= now) throw new OAuthError('invalid_grant', 'The refresh token has expired. Sign in again.');
    if (!record.sessionActive) throw new OAuthError('invalid_grant', 'The sign-in session behind this token has ended.');
    const scope = narrowScope(requestedScope, record.scope);
    const rotated = await this.grants.rotateRefreshToken(record.id, grant.id, now, {
      tokenHash: hashSecret(successor),
      scope,
      expiresAt: new Date(now.getTime() + REFRESH_TOKEN_LIFETIME_MS),
    });
    if (!rotated) {
      // A concurrent request rotated it a moment ago: answer as that request's retry.
      const fresh = firstTry ? await this.grants.findRefreshTokenForRotation(hashSecret(presented), new Date()) : null;
      if (!fresh) throw new OAuthError('invalid_grant', 'The refresh token is invalid.');
      return this.rotate(fresh, presented, requestedScope, false);
    }
    return this.respond(grant, scope, successor);
  }

  // The successor is derived from the token it replaces (keyed HMAC), so a retry can be handed the same
  // successor without storing it anywhere readable.
  private successorOf(refreshToken: string): string {
    return createHmac('sha256', this.successorKey).update(refreshToken).digest('base64url');
  }

  private async respond(grant: GrantRecord, scope: string, refreshToken: string): Promise<TokenResponse> {
    const access = await this.issuer.issue(grant, scope);
    return { access_token: access.accessToken, token_type: 'Bearer', expires_in: access.expiresIn, scope, refresh_token: refreshToken };
  }
}
