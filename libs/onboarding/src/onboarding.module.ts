import { Module } from '@nestjs/common';
import { IdentityModule } from '@app/identity';
import { MailModule } from '@app/mail';
import { MembersModule } from '@app/members';
import { FirstRunService } from './application/first-run.service.js';
import { SignUpService } from './application/sign-up.service.js';

const useCases = [FirstRunService, SignUpService];

@Module({ imports: [IdentityModule, MembersModule, MailModule], providers: useCases, exports: useCases })
export class OnboardingModule {}
