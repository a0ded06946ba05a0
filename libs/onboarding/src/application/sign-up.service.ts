import { Injectable } from '@nestjs/common';
import { AccountsService, AttemptLimits, EmailTakenError, EmailVerificationService } from '@app/identity';
import { Outbox } from '@app/mail';
import { OrganizationsService } from '@app/members';
import { AppConfig, TransactionRunner } from '@app/shared';
import { signUpAttemptMail } from '../domain/onboarding-mails.js';
import { SignUpClosedError } from '../domain/onboarding.errors.js';
import type { OwnerForm } from './first-run.service.js';

/**
 * Self-service sign-up (SIGN_UP=open): an unverified account and its organization, and a verification
 * link mailed to the address. When the address already has an account, its owner is told by mail
 * instead; the answer on the page is the same either way, so it reveals nothing about who has an account.
 */
@Injectable()
export class SignUpService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly organizations: OrganizationsService,
    private readonly verification: EmailVerificationService,
    private readonly limits: AttemptLimits,
    private readonly outbox: Outbox,
    private readonly transactions: TransactionRunner,
    private readonly config: AppConfig,
  ) {}

  get isOpen(): boolean {
    return this.config.signUp === 'open';
  }

  async signUp(form: OwnerForm, ipAddress: string): Promise<{ email: string }> {
    if (!this.isOpen) throw new SignUpClosedError();
    const { email } = this.accounts.validate({ email: form.email, name: form.name, password: form.password, verified: false });
    this.organizations.checkName(form.organizationName);
    await this.limits.count('sign-up', email, ipAddress);
    // Hashing happens for existing addresses too, so both answers take the same time.
    const prepared = await this.accounts.prepare({ email, name: form.name, password: form.password, verified: false });
    await this.transactions.run(async (tx) => {
      const existing = await this.accounts.findByEmail(email, tx);
      if (existing) {
        await this.outbox.enqueue(tx, signUpAttemptMail(existing, this.config.publicUrl));
        return;
      }
      const account = await this.accounts.create(prepared, tx);
      await this.organizations.createForOwner(tx, { name: form.organizationName, ownerUserId: account.id });
      await this.verification.sendLink(tx, account);
    }).catch(async (error: unknown) => {
      // Two sign-ups for one address at once: the second finds the account the first just made.
      if (!(error instanceof EmailTakenError)) throw error;
      const existing = await this.accounts.findByEmail(email);
      if (existing) await this.transactions.run((tx) => this.outbox.enqueue(tx, signUpAttemptMail(existing, this.config.publicUrl)));
    });
    this.outbox.deliverSoon();
    return { email };
  }
}
