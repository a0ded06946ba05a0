import { Injectable } from '@nestjs/common';
import { Outbox } from '@app/mail';
import { AppConfig, hashPassword, TransactionRunner } from '@app/shared';
import { assertPasswordAcceptable, normalizeEmail } from '../domain/account-rules.js';
import { AccountsService } from './accounts.service.js';
import { AttemptLimits } from './attempt-limits.js';
import { resetMail } from './identity-mails.js';
import { IdentityTokens, RESET_LIFETIME_MS } from './identity-tokens.js';
import { SessionsService } from './sessions.service.js';

@Injectable()
export class PasswordResetService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly sessions: SessionsService,
    private readonly tokens: IdentityTokens,
    private readonly outbox: Outbox,
    private readonly transactions: TransactionRunner,
    private readonly limits: AttemptLimits,
    private readonly config: AppConfig,
  ) {}

  /**
   * Mails a reset link when the address has an account. Counted and answered the same way whether or
   * not it does, so the answer tells nobody which addresses have accounts.
   */
  async request(rawEmail: string, ipAddress: string): Promise<void> {
    const email = normalizeEmail(rawEmail);
    await this.limits.count('password-reset', email, ipAddress);
    const sent = await this.transactions.run(async (tx) => {
      const account = await this.accounts.findByEmail(email, tx);
      if (!account) return false;
      const { token, expiresAt } = await this.tokens.issue(tx, 'reset_password', account.id, RESET_LIFETIME_MS);
      await this.outbox.enqueue(tx, resetMail(account, `${this.config.publicUrl}/reset-password/${token}`, expiresAt));
      return true;
    });
    if (sent) this.outbox.deliverSoon();
  }

  isLinkLive(token: unknown): Promise<boolean> {
    return this.tokens.isLive('reset_password', token);
  }

  /**
   * Sets the new password and ends every web session of the account, and so every MCP grant made from
   * them. Returns false (and changes nothing) for a missing, wrong, used or expired link.
   */
  async reset(token: unknown, password: string): Promise<boolean> {
    assertPasswordAcceptable(password);
    const passwordHash = await hashPassword(password);
    return this.transactions.run(async (tx) => {
      const used = await this.tokens.consume(tx, 'reset_password', token);
      if (!used?.userId) return false;
      await this.accounts.replacePasswordHash(used.userId, passwordHash, tx);
      await this.sessions.revokeAll(used.userId, tx);
      // Following a link mailed to the address is the same proof verification asks for.
      await this.accounts.markVerified(used.userId, tx);
      return true;
    });
  }
}
