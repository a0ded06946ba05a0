import { Module } from '@nestjs/common';
import { IdentityModule } from '@app/identity';
import { MembersModule } from '@app/members';
import { OAuthModule } from '@app/oauth';
import { AccountController } from './account.controller.js';
import { BillingController } from './billing.controller.js';
import { ConsentController } from './consent.controller.js';
import { InvitationController } from './invitation.controller.js';
import { SignInController } from './sign-in.controller.js';
import { WebSession } from './web-session.js';

const pages = [SignInController, ConsentController, AccountController, BillingController, InvitationController];

@Module({ imports: [IdentityModule, OAuthModule, MembersModule], controllers: pages, providers: [WebSession] })
export class WebModule {}
