import { Module } from '@nestjs/common';
import { IdentityModule } from '@app/identity';
import { OrganizationsService } from './application/organizations.service.js';
import { MembershipRepository } from './infrastructure/membership.repository.js';
import { OrganizationRepository } from './infrastructure/organization.repository.js';

const services = [OrganizationsService];
const repositories = [OrganizationRepository, MembershipRepository];

@Module({ imports: [IdentityModule], providers: [...services, ...repositories], exports: services })
export class MembersModule {}
