import { Module } from '@nestjs/common';
import { AccessModule } from '@app/access';
import { IdentityModule } from '@app/identity';
import { KeysModule } from '@app/keys';
import { MembersModule } from '@app/members';
import { AccessTokenIssuer } from './application/access-token.issuer.js';
import { AuthorizationService } from './application/authorization.service.js';
import { ClientsService } from './application/clients.service.js';
import { ConnectedClientsService } from './application/connected-clients.service.js';
import { RequestLimits } from './application/request-limits.service.js';
import { RevocationService } from './application/revocation.service.js';
import { AuthorizationCodeGrant } from './application/grants/authorization-code.grant.js';
import { RefreshTokenGrant } from './application/grants/refresh-token.grant.js';
import { TokenExchangeGrant } from './application/grants/token-exchange.grant.js';
import { TokenService } from './application/token.service.js';
import { MetadataController } from './http/metadata.controller.js';
import { RegistrationController } from './http/registration.controller.js';
import { TokenController } from './http/token.controller.js';
import { ClientMetadataFetcher, GuardedClientMetadataFetcher } from './infrastructure/client-metadata.fetcher.js';
import { ClientRepository } from './infrastructure/client.repository.js';
import { GrantRepository } from './infrastructure/grant.repository.js';
import { OAuthRetentionRepository } from './infrastructure/oauth-retention.repository.js';

const services = [AccessTokenIssuer, AuthorizationService, ClientsService, ConnectedClientsService, TokenService, RevocationService, RequestLimits];
const grants = [AuthorizationCodeGrant, RefreshTokenGrant, TokenExchangeGrant];
const repositories = [ClientRepository, GrantRepository, OAuthRetentionRepository];
const adapters = [{ provide: ClientMetadataFetcher, useClass: GuardedClientMetadataFetcher }];

@Module({
  imports: [KeysModule, IdentityModule, AccessModule, MembersModule],
  controllers: [MetadataController, RegistrationController, TokenController],
  providers: [...services, ...grants, ...repositories, ...adapters],
  exports: [AccessTokenIssuer, AuthorizationService, ConnectedClientsService, GrantRepository, ClientRepository, ClientMetadataFetcher],
})
export class OAuthModule {}
