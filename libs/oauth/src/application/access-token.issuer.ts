import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { AppConfig, Clock } from '@app/shared';
import { SigningKeysService } from '@app/keys';
import { ACCESS_TOKEN_LIFETIME_S } from '../domain/oauth-constants.js';
import type { GrantRecord } from '../infrastructure/grant.repository.js';

export interface IssuedAccessToken {
  accessToken: string;
  expiresIn: number;
  scope: string;
}

// RFC 9068 access tokens: EdDSA, typ at+jwt, audience = the MCP resource, bound to a grant and web session.
@Injectable()
export class AccessTokenIssuer {
  constructor(
    private readonly config: AppConfig,
    private readonly keys: SigningKeysService,
    private readonly clock: Clock,
  ) {}

  async issue(grant: Pick<GrantRecord, 'id' | 'userId' | 'clientId' | 'orgId' | 'sessionId' | 'resource'>, scope: string): Promise<IssuedAccessToken> {
    const { kid, privateKey } = await this.keys.activeKey();
    const iat = Math.floor(this.clock.nowMs() / 1000);
    const accessToken = await new SignJWT({
      client_id: grant.clientId,
      scope,
      org_id: grant.orgId,
      sid: grant.sessionId,
      gid: grant.id,
    })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid })
      .setIssuer(this.config.publicUrl)
      .setSubject(grant.userId)
      .setAudience(grant.resource)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ACCESS_TOKEN_LIFETIME_S)
      .setJti(randomUUID())
      .sign(privateKey);
    return { accessToken, expiresIn: ACCESS_TOKEN_LIFETIME_S, scope };
  }
}
