import { Injectable } from '@nestjs/common';
import { AppConfig, Clock, hashSecret, newSecret, SecretBox } from '@app/shared';
import { AUTHORIZATION_CODE_LIFETIME_MS } from '../domain/oauth-constants.js';
import { OAuthError, type OAuthErrorCode } from '../domain/oauth.errors.js';
import { assertS256Challenge } from '../domain/pkce.js';
import { matchesRegisteredRedirect, redirectHost } from '../domain/redirect-uri.js';
import { resolveResource } from '../domain/resource.js';
import { parseScope, resolveRequestedScope } from '../domain/scope.js';
import { GrantRepository } from '../infrastructure/grant.repository.js';
import { ClientsService } from './clients.service.js';
import { OrganizationsService } from '@app/members';

/** A validated authorization request waiting for sign-in and consent; travels sealed through the pages. */
export interface AuthorizationRequest {
  clientId: string;
  clientName: string;
  /** Only first-party clients are vouched for; anyone can register or publish the others. */
  clientVerified: boolean;
  redirectUri: string;
  state: string | null;
  scope: string;
  resource: string;
  codeChallenge: string;
  /** ms since epoch; the pages refuse a request older than a code would live. */
  expiresAt: number;
}

/** The client or redirect URI cannot be trusted: show an error page, never redirect. */
export class AuthorizationPageError extends Error {}

/** A refusal to report to the client at its (verified) redirect URI. */
export class AuthorizationRedirectError extends Error {
  constructor(
    readonly redirectTo: string,
    readonly error: OAuthErrorCode,
    description: string,
  ) {
    super(description);
  }
}

const SEAL_CONTEXT = 'authorization-request';
const MAX_STATE_LENGTH = 1000;

type Params = Record<string, unknown>;

@Injectable()
export class AuthorizationService {
  constructor(
    private readonly config: AppConfig,
    private readonly clients: ClientsService,
    private readonly grants: GrantRepository,
    private readonly organizations: OrganizationsService,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
  ) {}

  /** RFC 6749 §4.1.1 + PKCE + RFC 8707: what /oauth/authorize accepts. */
  async validate(params: Params): Promise<AuthorizationRequest> {
    const single = (name: string): string | undefined => {
      const value = params[name];
      if (value === undefined) return undefined;
      if (typeof value !== 'string') throw new AuthorizationPageError(`The parameter ${name} must appear once.`);
      return value;
    };
    let client;
    try {
      client = await this.clients.resolve(single('client_id'));
    } catch (error) {
      if (error instanceof OAuthError) throw new AuthorizationPageError(error.message);
      throw error;
    }
    const redirectUri = single('redirect_uri');
    if (!redirectUri) throw new AuthorizationPageError('redirect_uri is required.');
    if (!matchesRegisteredRedirect(client.redirectUris, redirectUri)) {
      throw new AuthorizationPageError('The redirect_uri is not registered for this client.');
    }
    const state = single('state') ?? null;
    const refuse = (error: OAuthErrorCode, description: string) => new AuthorizationRedirectError(this.errorRedirect(redirectUri, state, error, description), error, description);
    if (state !== null && state.length > MAX_STATE_LENGTH) throw refuse('invalid_request', 'state is too long.');
    try {
      const responseType = single('response_type');
      if (responseType !== 'code') throw new OAuthError('unsupported_response_type', 'Only response_type=code is supported.');
      if (params.request !== undefined || params.request_uri !== undefined) throw new OAuthError('invalid_request', 'Request objects are not supported.');
      const codeChallenge = assertS256Challenge(single('code_challenge'), single('code_challenge_method'));
      const scope = resolveRequestedScope(single('scope'), client.scope);
      const resource = resolveResource(single('resource'), this.config.publicUrl);
      return {
        clientId: client.id,
        clientName: client.clientName,
        clientVerified: client.kind === 'first_party',
        redirectUri,
        state,
        scope,
        resource,
        codeChallenge,
        expiresAt: this.clock.nowMs() + AUTHORIZATION_CODE_LIFETIME_MS,
      };
    } catch (error) {
      if (error instanceof OAuthError) throw refuse(error.error, error.message);
      if (error instanceof AuthorizationPageError) throw refuse('invalid_request', error.message);
      throw error;
    }
  }

  seal(request: AuthorizationRequest): string {
    return this.secrets.seal(JSON.stringify(request), SEAL_CONTEXT);
  }

  open(sealed: unknown): AuthorizationRequest {
    if (typeof sealed !== 'string' || sealed.length > 8000) throw new AuthorizationPageError('The authorization request is missing. Start again from the application.');
    let request: AuthorizationRequest;
    try {
      request = JSON.parse(this.secrets.open(sealed, SEAL_CONTEXT)) as AuthorizationRequest;
    } catch {
      throw new AuthorizationPageError('The authorization request is not valid. Start again from the application.');
    }
    if (request.expiresAt <= this.clock.nowMs()) throw new AuthorizationPageError('The authorization request has expired. Start again from the application.');
    return request;
  }

  /** What the consent page shows. */
  async consentView(request: AuthorizationRequest, userId: string) {
    const memberships = await this.organizations.listForUser(userId);
    return {
      clientName: request.clientName,
      // A request sealed before this field existed reads as unverified: the safe side.
      clientVerified: request.clientVerified === true,
      clientId: request.clientId,
      redirectHost: redirectHost(request.redirectUri),
      scopes: parseScope(request.scope),
      organizations: memberships.map((m) => ({ ...m.organization, role: m.role })),
    };
  }

  /** The user allowed: issue a code bound to client, redirect URI, challenge, org and resource. */
  async approve(request: AuthorizationRequest, user: { userId: string; sessionId: string }, orgId: unknown): Promise<string> {
    const memberships = await this.organizations.listForUser(user.userId);
    const org = memberships.find((m) => m.organization.id === orgId)?.organization;
    if (!org) throw new AuthorizationPageError('Choose one of your organizations.');
    const code = newSecret();
    await this.grants.saveCode({
      codeHash: hashSecret(code),
      clientId: request.clientId,
      userId: user.userId,
      sessionId: user.sessionId,
      orgId: org.id,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      codeChallengeMethod: 'S256',
      scope: request.scope,
      resource: request.resource,
      expiresAt: new Date(this.clock.nowMs() + AUTHORIZATION_CODE_LIFETIME_MS),
    });
    const url = new URL(request.redirectUri);
    url.searchParams.set('code', code);
    if (request.state !== null) url.searchParams.set('state', request.state);
    url.searchParams.set('iss', this.config.publicUrl);
    return url.href;
  }

  deny(request: AuthorizationRequest): string {
    return this.errorRedirect(request.redirectUri, request.state, 'access_denied', 'The user denied access.');
  }

  private errorRedirect(redirectUri: string, state: string | null, error: OAuthErrorCode, description: string): string {
    const url = new URL(redirectUri);
    url.searchParams.set('error', error);
    url.searchParams.set('error_description', description);
    if (state !== null) url.searchParams.set('state', state);
    url.searchParams.set('iss', this.config.publicUrl);
    return url.href;
  }
}
