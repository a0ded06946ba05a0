export { OAuthModule } from './oauth.module.js';
export { AccessTokenIssuer, type IssuedAccessToken } from './application/access-token.issuer.js';
export { ClientRepository } from './infrastructure/client.repository.js';
export { GrantRepository, type GrantRecord } from './infrastructure/grant.repository.js';
export * from './domain/oauth-constants.js';
