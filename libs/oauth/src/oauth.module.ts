import { Module } from '@nestjs/common';
import { AccessModule } from '@app/access';
import { IdentityModule } from '@app/identity';
import { KeysModule } from '@app/keys';
import { AccessTokenIssuer } from './application/access-token.issuer.js';
import { AuthorizationService } from './application/authorization.service.js';
import { ClientsService } from './application/clients.service.js';
import { ConnectedClientsService } from './application/connected-clients.service.js';
import { RequestLimits } from './application/request-limits.service.js';
import { RevocationService } from './application/revocation.service.js';
import { TokenService } from './application/token.service.js';
import { MetadataController } from './http/metadata.controller.js';
import { RegistrationController } from './http/registration.controller.js';
import { TokenController } from './http/token.controller.js';
import { ClientMetadataFetcher, GuardedClientMetadataFetcher } from './infrastructure/client-metadata.fetcher.js';
import { ClientRepository } from './infrastructure/client.repository.js';
import { GrantRepository } from './infrastructure/grant.repository.js';
import { OAuthRetentionRepository } from './infrastructure/oauth-retention.repository.js';

const services = [AccessTokenIssuer, AuthorizationService, ClientsService, ConnectedClientsService, TokenService, RevocationService, RequestLimits];
const repositories = [ClientRepository, GrantRepository, OAuthRetentionRepository];
const adapters = [{ provide: ClientMetadataFetcher, useClass: GuardedClientMetadataFetcher }];

// Needs an OrganizationDirectory from the application (see organization-directory.ts).
@Module({
  imports: [KeysModule, IdentityModule, AccessModule],
  controllers: [MetadataController, RegistrationController, TokenController],
  providers: [...services, ...repositories, ...adapters],
  exports: [AccessTokenIssuer, AuthorizationService, ConnectedClientsService, GrantRepository, ClientRepository, ClientMetadataFetcher],
})
export class OAuthModule {}
