export { OAuthModule } from './oauth.module.js';
export { AccessTokenIssuer, type IssuedAccessToken } from './application/access-token.issuer.js';
export {
  AuthorizationPageError,
  AuthorizationRedirectError,
  AuthorizationService,
  type AuthorizationRequest,
} from './application/authorization.service.js';
export { ConnectedClientsService, type ConnectedClient } from './application/connected-clients.service.js';
export { ClientRepository, type ClientRecord } from './infrastructure/client.repository.js';
export { ClientMetadataFetcher, MetadataFetchError, type FetchedMetadata } from './infrastructure/client-metadata.fetcher.js';
export { GrantRepository, type GrantRecord } from './infrastructure/grant.repository.js';
export { OAuthError, OAuthRateLimitedError, type OAuthErrorCode } from './domain/oauth.errors.js';
export { isPublicAddress } from './domain/address-policy.js';
export { matchesRegisteredRedirect, redirectUriProblem } from './domain/redirect-uri.js';
export * from './domain/oauth-constants.js';
export { oauthBodyErrorHandler } from './http/oauth-exception.filter.js';
export { oauthEndpointAliases } from './http/oauth-aliases.js';
export { RequestLimits, REGISTRATIONS_PER_IP, REVOCATIONS_PER_CLIENT, REVOCATIONS_PER_IP, TOKEN_FAILURES_PER_IP, TOKEN_REQUESTS_PER_ACCOUNT, TOKEN_REQUESTS_PER_IP } from './application/request-limits.service.js';
