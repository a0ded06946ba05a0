import { Injectable } from '@nestjs/common';
import { SessionsService } from '@app/identity';
import { OrganizationsService } from '@app/members';
import { AppConfig } from '@app/shared';
import { DEFAULT_SCOPE, DESKTOP_CLIENT_ID, DESKTOP_CLIENT_NAME, GRANT_TYPE_TOKEN_EXCHANGE, TOKEN_TYPE_ACCESS, TOKEN_TYPE_SESSION } from '../../domain/oauth-constants.js';
import { OAuthError } from '../../domain/oauth.errors.js';
import { resolveResource } from '../../domain/resource.js';
import { resolveRequestedScope } from '../../domain/scope.js';
import { ClientRepository } from '../../infrastructure/client.repository.js';
import { GrantRepository } from '../../infrastructure/grant.repository.js';
import { AccessTokenIssuer } from '../access-token.issuer.js';
import { ClientsService } from '../clients.service.js';
import { required, type TokenGrant, type TokenParams, type TokenResponse } from './token-grant.js';

@Injectable()
export class TokenExchangeGrant implements TokenGrant {
  readonly grantType = GRANT_TYPE_TOKEN_EXCHANGE;
  private desktopClientReady: Promise<unknown> | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly clients: ClientsService,
    private readonly clientRecords: ClientRepository,
    private readonly grants: GrantRepository,
    private readonly issuer: AccessTokenIssuer,
    private readonly sessions: SessionsService,
    private readonly organizations: OrganizationsService,
  ) {}

  /** RFC 8693 for the first-party desktop app: a live web session becomes an org-scoped access token. */
  async exchange(params: TokenParams): Promise<TokenResponse> {
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
    const resource = resolveResource(params.resource, this.config.publicUrl);
    const session = await this.sessions.resolve(subjectToken);
    if (!session) throw new OAuthError('invalid_grant', 'The web session is not active. Sign in again.');
    if (!session.user.emailVerified) throw new OAuthError('invalid_grant', 'Confirm your email address (the link in the message we sent you) before connecting the desktop app.');
    const memberships = await this.organizations.listForUser(session.user.id);
    const org = memberships.find((m) => m.organization.id === orgRef || m.organization.slug === orgRef)?.organization;
    if (!org) throw new OAuthError('invalid_grant', `You are not a member of the organization ${JSON.stringify(orgRef.slice(0, 100))}.`);
    const terms = { clientId: DESKTOP_CLIENT_ID, userId: session.user.id, sessionId: session.id, orgId: org.id, scope, resource };
    const grant = (await this.grants.findLive(terms)) ?? (await this.grants.create(terms));
    const access = await this.issuer.issue(grant, scope);
    return { access_token: access.accessToken, issued_token_type: TOKEN_TYPE_ACCESS, token_type: 'Bearer', expires_in: access.expiresIn, scope };
  }
}
