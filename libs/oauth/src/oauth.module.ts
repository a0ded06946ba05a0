import { Module } from '@nestjs/common';
import { KeysModule } from '@app/keys';
import { AccessTokenIssuer } from './application/access-token.issuer.js';
import { ClientRepository } from './infrastructure/client.repository.js';
import { GrantRepository } from './infrastructure/grant.repository.js';

const services = [AccessTokenIssuer];
const repositories = [ClientRepository, GrantRepository];

@Module({ imports: [KeysModule], providers: [...services, ...repositories], exports: [...services, GrantRepository, ClientRepository] })
export class OAuthModule {}
