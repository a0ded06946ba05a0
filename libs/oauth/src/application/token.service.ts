import { createHmac } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, Clock, hashSecret, newSecret } from '@app/shared';
import { SessionsService } from '@app/identity';
import {
  DEFAULT_SCOPE,
  DESKTOP_CLIENT_ID,
  DESKTOP_CLIENT_NAME,
  GRANT_TYPE_CODE,
  GRANT_TYPE_REFRESH,
  GRANT_TYPE_TOKEN_EXCHANGE,
  REFRESH_REUSE_GRACE_MS,
  REFRESH_TOKEN_LIFETIME_MS,
  TOKEN_TYPE_ACCESS,
  TOKEN_TYPE_SESSION,
} from '../domain/oauth-constants.js';
import { OAuthError } from '../domain/oauth.errors.js';
import { verifierMatches } from '../domain/pkce.js';
import { resolveResource } from '../domain/resource.js';
import { narrowScope, resolveRequestedScope } from '../domain/scope.js';
import { ClientRepository, type ClientRecord } from '../infrastructure/client.repository.js';
import { GrantRepository, type GrantRecord, type RefreshTokenForRotation } from '../infrastructure/grant.repository.js';
import { AccessTokenIssuer } from './access-token.issuer.js';
import { ClientsService } from './clients.service.js';
import { OrganizationDirectory } from './organization-directory.js';

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  issued_token_type?: string;
}

export type TokenParams = Record<string, string | undefined>;

/** Form parameters may appear once each (RFC 6749 §3.2). */
export function singleParams(body: unknown): TokenParams {
  if (typeof body !== 'object' || body === null) throw new OAuthError('invalid_request', 'Send the parameters as application/x-www-form-urlencoded.');
  const params: TokenParams = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value !== 'string') throw new OAuthError('invalid_request', `The parameter ${name.slice(0, 50)} must appear once.`);
    params[name] = value;
  }
  return params;
}

function required(params: TokenParams, name: string): string {
  const value = params[name];
  if (!value) throw new OAuthError('invalid_request', `${name} is required.`);
  return value;
}

@Injectable()
export class TokenService {
  private readonly logger = new Logger('OAuthTokens');
  private readonly successorKey: Buffer;
  private desktopClientReady: Promise<unknown> | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly clients: ClientsService,
    private readonly clientRecords: ClientRepository,
    private readonly grants: GrantRepository,
    private readonly issuer: AccessTokenIssuer,
    private readonly sessions: SessionsService,
    private readonly directory: OrganizationDirectory,
    private readonly clock: Clock,
  ) {
    this.successorKey = createHmac('sha256', config.secretsKey).update('openwork:refresh-successor').digest();
  }

  async exchange(params: TokenParams): Promise<TokenResponse> {
    switch (params.grant_type) {
      case GRANT_TYPE_CODE:
        return this.authorizationCode(params);
      case GRANT_TYPE_REFRESH:
        return this.refresh(params);
      case GRANT_TYPE_TOKEN_EXCHANGE:
        return this.tokenExchange(params);
      case undefined:
      case '':
        throw new OAuthError('invalid_request', 'grant_type is required.');
      default:
        throw new OAuthError('unsupported_grant_type', `Supported grant types: ${GRANT_TYPE_CODE}, ${GRANT_TYPE_REFRESH}, ${GRANT_TYPE_TOKEN_EXCHANGE}.`);
    }
  }

  private async clientFor(params: TokenParams, grantType: string): Promise<ClientRecord> {
    const client = await this.clients.resolve(params.client_id);
    if (!client.grantTypes.includes(grantType)) throw new OAuthError('unauthorized_client', `This client may not use the ${grantType} grant.`);
    return client;
  }

  private async authorizationCode(params: TokenParams): Promise<TokenResponse> {
    const client = await this.clientFor(params, GRANT_TYPE_CODE);
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

  private async refresh(params: TokenParams): Promise<TokenResponse> {
    const client = await this.clientFor(params, GRANT_TYPE_REFRESH);
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
    resolveResource(params.resource, record.grant.resource);
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

  /** RFC 8693 for the first-party desktop app: a live web session becomes an org-scoped access token. */
  private async tokenExchange(params: TokenParams): Promise<TokenResponse> {
    if (params.client_id !== DESKTOP_CLIENT_ID) {
      if (params.client_id) await this.clients.resolve(params.client_id);
      throw new OAuthError('unauthorized_client', 'Token exchange is reserved for the OpenWork desktop app.');
    }
    // Created on first use, once per process.
    this.desktopClientReady ??= this.clientRecords.ensureFirstParty(DESKTOP_CLIENT_ID, DESKTOP_CLIENT_NAME).catch((error: unknown) => {
      this.desktopClientReady = undefined;
      throw error;
    });
    await this.desktopClientReady;
    const subjectToken = required(params, 'subject_token');
    if (params.subject_token_type !== TOKEN_TYPE_SESSION) throw new OAuthError('invalid_request', `subject_token_type must be ${TOKEN_TYPE_SESSION}.`);
    if (params.requested_token_type && params.requested_token_type !== TOKEN_TYPE_ACCESS) {
      throw new OAuthError('invalid_request', `Only ${TOKEN_TYPE_ACCESS} can be requested.`);
    }
    const orgRef = required(params, 'org');
    const scope = resolveRequestedScope(params.scope, DEFAULT_SCOPE);
    const resource = resolveResource(params.resource, this.config.mcpResourceUrl);
    const session = await this.sessions.resolve(subjectToken);
    if (!session) throw new OAuthError('invalid_grant', 'The web session is not active. Sign in again.');
    const memberships = await this.directory.listForUser(session.user.id);
    const org = memberships.find((m) => m.organization.id === orgRef || m.organization.slug === orgRef)?.organization;
    if (!org) throw new OAuthError('invalid_grant', `You are not a member of the organization ${JSON.stringify(orgRef.slice(0, 100))}.`);
    const terms = { clientId: DESKTOP_CLIENT_ID, userId: session.user.id, sessionId: session.id, orgId: org.id, scope, resource };
    const grant = (await this.grants.findLive(terms)) ?? (await this.grants.create(terms));
    const access = await this.issuer.issue(grant, scope);
    return { access_token: access.accessToken, issued_token_type: TOKEN_TYPE_ACCESS, token_type: 'Bearer', expires_in: access.expiresIn, scope };
  }
}
