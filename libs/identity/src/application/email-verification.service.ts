import { Injectable } from '@nestjs/common';
import { Outbox, type QueuedMail } from '@app/mail';
import { AppConfig, TransactionRunner, type TransactionClient } from '@app/shared';
import { AccountsService, type Account } from './accounts.service.js';
import { AttemptLimits } from './attempt-limits.js';
import { verificationMail } from './identity-mails.js';
import { IdentityTokens, VERIFICATION_LIFETIME_MS } from './identity-tokens.js';

/** The link mailed to a new account's address; following it proves the address belongs to the account's owner. */
@Injectable()
export class EmailVerificationService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly tokens: IdentityTokens,
    private readonly outbox: Outbox,
    private readonly transactions: TransactionRunner,
    private readonly limits: AttemptLimits,
    private readonly config: AppConfig,
  ) {}

  /** Queues a fresh verification link in the caller's transaction (the previous link dies). */
  async sendLink(tx: TransactionClient, account: Pick<Account, 'id' | 'email' | 'name'>): Promise<QueuedMail> {
    const { token, expiresAt } = await this.tokens.issue(tx, 'verify_email', account.id, VERIFICATION_LIFETIME_MS);
    return this.outbox.enqueue(tx, verificationMail(account, `${this.config.publicUrl}/verify-email/${token}`, expiresAt));
  }

  /** Rate limited per account and per IP; does nothing for an account that is already verified. */
  async resend(userId: string, ipAddress: string): Promise<void> {
    const account = await this.accounts.findById(userId);
    if (!account || account.emailVerified) return;
    await this.limits.count('verify-resend', account.email, ipAddress);
    await this.transactions.run((tx) => this.sendLink(tx, account));
    this.outbox.deliverSoon();
  }

  /** Verifies the account the link was for; null when the link is missing, wrong, used or expired. */
  verify(token: unknown): Promise<Account | null> {
    return this.transactions.run(async (tx) => {
      const used = await this.tokens.consume(tx, 'verify_email', token);
      if (!used?.userId) return null;
      await this.accounts.markVerified(used.userId, tx);
      return this.accounts.findById(used.userId, tx);
    });
  }
}
