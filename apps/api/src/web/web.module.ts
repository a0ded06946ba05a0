import { Module } from '@nestjs/common';
import { IdentityModule } from '@app/identity';
import { MembersModule } from '@app/members';
import { OAuthModule } from '@app/oauth';
import { OnboardingModule } from '@app/onboarding';
import { AccountController } from './account.controller.js';
import { ApprovalController } from './approval.controller.js';
import { BillingController } from './billing.controller.js';
import { ConsentController } from './consent.controller.js';
import { HomeController } from './home.controller.js';
import { InvitationController } from './invitation.controller.js';
import { PasswordResetController } from './password-reset.controller.js';
import { SetupController } from './setup.controller.js';
import { SignUpController } from './sign-up.controller.js';
import { SignInController } from './sign-in.controller.js';
import { WebSession } from './web-session.js';

const pages = [HomeController, SignInController, ConsentController, AccountController, BillingController, SetupController, SignUpController, PasswordResetController, ApprovalController, InvitationController];

@Module({ imports: [IdentityModule, OAuthModule, MembersModule, OnboardingModule], controllers: pages, providers: [WebSession] })
export class WebModule {}
