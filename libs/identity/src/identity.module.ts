import { Module } from '@nestjs/common';
import { AccountsService } from './application/accounts.service.js';
import { SessionsService } from './application/sessions.service.js';
import { SignInService } from './application/sign-in.service.js';
import { SessionRepository } from './infrastructure/session.repository.js';
import { SessionRetentionRepository } from './infrastructure/session-retention.repository.js';
import { UserRepository } from './infrastructure/user.repository.js';

const services = [AccountsService, SessionsService, SignInService];
const repositories = [UserRepository, SessionRepository, SessionRetentionRepository];

@Module({ providers: [...services, ...repositories], exports: services })
export class IdentityModule {}
