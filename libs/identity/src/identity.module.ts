import { Module } from '@nestjs/common';
import { MailModule } from '@app/mail';
import { AccountsService } from './application/accounts.service.js';
import { AttemptLimits } from './application/attempt-limits.js';
import { EmailVerificationService } from './application/email-verification.service.js';
import { IdentityTokens } from './application/identity-tokens.js';
import { PasswordResetService } from './application/password-reset.service.js';
import { SessionsService } from './application/sessions.service.js';
import { SignInService } from './application/sign-in.service.js';
import { IdentityTokenRepository } from './infrastructure/identity-token.repository.js';
import { IdentityTokenRetentionRepository } from './infrastructure/identity-token-retention.repository.js';
import { SessionRepository } from './infrastructure/session.repository.js';
import { SessionRetentionRepository } from './infrastructure/session-retention.repository.js';
import { UserRepository } from './infrastructure/user.repository.js';

const services = [AccountsService, SessionsService, SignInService, EmailVerificationService, PasswordResetService, IdentityTokens, AttemptLimits];
const repositories = [UserRepository, SessionRepository, IdentityTokenRepository, SessionRetentionRepository, IdentityTokenRetentionRepository];

@Module({ imports: [MailModule], providers: [...services, ...repositories], exports: services })
export class IdentityModule {}
