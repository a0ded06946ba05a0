import { Injectable } from '@nestjs/common';
import { errors, jwtVerify, type JWTPayload, type JWTHeaderParameters } from 'jose';
import { AppConfig, Clock, mcpResourceUrls } from '@app/shared';
import { SigningKeysService } from '@app/keys';
import { AccessDeniedError } from '../domain/access-denied.js';

export interface AccessTokenClaims {
  sub: string;
  client_id: string;
  scope: string;
  org_id: string;
  sid: string;
  gid: string;
  jti: string;
  exp: number;
  /** The MCP endpoint (resource URL) the token was issued for. */
  aud: string;
}

// Verified tokens are remembered until they expire: the signature check is the costliest step of a
// request and a client reuses one token for many calls. Liveness is still rechecked every time.
const MAX_CACHED = 10_000;

@Injectable()
export class AccessTokenVerifier {
  private readonly verified = new Map<string, AccessTokenClaims>();
  private readonly audiences: string[];

  constructor(
    private readonly config: AppConfig,
    private readonly keys: SigningKeysService,
    private readonly clock: Clock,
  ) {
    this.audiences = mcpResourceUrls(config.publicUrl);
  }

  /**
   * The token's claims if it is a valid access token of this server; with `audience`, only if it was issued
   * for exactly that endpoint (a token for /mcp is no good at /mcp/x/people, nor the reverse).
   */
  async verify(token: string, audience?: string): Promise<AccessTokenClaims> {
    const claims = await this.verifyAnyAudience(token);
    if (audience !== undefined && claims.aud !== audience) throw new AccessDeniedError('wrong_issuer_or_audience');
    return claims;
  }

  private async verifyAnyAudience(token: string): Promise<AccessTokenClaims> {
    const nowSeconds = Math.floor(this.clock.nowMs() / 1000);
    const cached = this.verified.get(token);
    if (cached) {
      if (cached.exp > nowSeconds) return cached;
      this.verified.delete(token);
    }
    const claims = await this.verifySignature(token, nowSeconds);
    if (this.verified.size >= MAX_CACHED) this.evictExpired(nowSeconds);
    if (this.verified.size < MAX_CACHED) this.verified.set(token, claims);
    return claims;
  }

  private async verifySignature(token: string, nowSeconds: number): Promise<AccessTokenClaims> {
    if (token.length > 4096 || token.split('.').length !== 3) throw new AccessDeniedError('malformed_token');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(
        token,
        async (header: JWTHeaderParameters) => {
          const key = header.kid ? await this.keys.verificationKey(header.kid) : undefined;
          if (!key) throw new AccessDeniedError('bad_signature');
          return key;
        },
        {
          algorithms: ['EdDSA'],
          typ: 'at+jwt',
          issuer: this.config.publicUrl,
          audience: this.audiences,
          currentDate: new Date(nowSeconds * 1000),
          requiredClaims: ['exp', 'iat', 'sub', 'jti'],
        },
      ));
    } catch (error) {
      if (error instanceof AccessDeniedError) throw error;
      if (error instanceof errors.JWTExpired) throw new AccessDeniedError('expired');
      if (error instanceof errors.JWTClaimValidationFailed) throw new AccessDeniedError('wrong_issuer_or_audience');
      if (error instanceof errors.JOSEError) throw new AccessDeniedError('bad_signature');
      throw error;
    }
    const claims = payload as Partial<AccessTokenClaims>;
    for (const name of ['client_id', 'scope', 'org_id', 'sid', 'gid', 'aud'] as const) {
      if (typeof claims[name] !== 'string' || !claims[name]) throw new AccessDeniedError('malformed_token');
    }
    return claims as AccessTokenClaims;
  }

  private evictExpired(nowSeconds: number): void {
    for (const [token, claims] of this.verified) if (claims.exp <= nowSeconds) this.verified.delete(token);
  }
}
