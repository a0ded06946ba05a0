import { Injectable } from '@nestjs/common';
import { hashSecret, RateLimiter } from '@app/shared';
import { InvalidCredentialsError, TooManySignInAttemptsError } from '../domain/identity.errors.js';
import { AccountsService, type Account } from './accounts.service.js';
import { SessionsService } from './sessions.service.js';

export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;
// Failures, not attempts, are counted: people who type their password right are never slowed down.
export const MAX_FAILURES_PER_ACCOUNT = 5;
// Higher than per account: one office or NAT can hold many people.
export const MAX_FAILURES_PER_IP = 20;

export interface SignInInput {
  email: string;
  password: string;
  ipAddress: string;
  userAgent?: string;
}

@Injectable()
export class SignInService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly sessions: SessionsService,
    private readonly limiter: RateLimiter,
  ) {}

  /** Checks the password (rate limited per IP and per account) and starts a web session. */
  async signIn(input: SignInInput): Promise<{ token: string; sessionId: string; account: Account }> {
    // The account key is hashed so the counter store never holds email addresses.
    const accountKey = `sign-in:account:${hashSecret(input.email.trim().toLowerCase().slice(0, 254))}`;
    const ipKey = `sign-in:ip:${input.ipAddress}`;
    const [byAccount, byIp] = await Promise.all([this.limiter.get(accountKey), this.limiter.get(ipKey)]);
    const blocked = [
      byAccount.count >= MAX_FAILURES_PER_ACCOUNT ? byAccount.resetInMs : 0,
      byIp.count >= MAX_FAILURES_PER_IP ? byIp.resetInMs : 0,
    ];
    const waitMs = Math.max(...blocked);
    if (waitMs > 0) throw new TooManySignInAttemptsError(Math.ceil(waitMs / 1000));

    let account: Account;
    try {
      account = await this.accounts.authenticate(input.email, input.password);
    } catch (error) {
      if (error instanceof InvalidCredentialsError) {
        await Promise.all([this.limiter.increment(accountKey, SIGN_IN_WINDOW_MS), this.limiter.increment(ipKey, SIGN_IN_WINDOW_MS)]);
      }
      throw error;
    }
    await this.limiter.reset(accountKey);
    const { token, session } = await this.sessions.start(account.id, { userAgent: input.userAgent, ipAddress: input.ipAddress });
    return { token, sessionId: session.id, account };
  }
}
