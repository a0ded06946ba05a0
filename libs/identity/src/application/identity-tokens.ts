import { Injectable } from '@nestjs/common';
import { Clock, hashSecret, newSecret, PrismaService, type TransactionClient } from '@app/shared';
import { IdentityTokenRepository, type IdentityTokenPurpose } from '../infrastructure/identity-token.repository.js';

export const SETUP_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;
export const VERIFICATION_LIFETIME_MS = 24 * 60 * 60 * 1000;
export const RESET_LIFETIME_MS = 30 * 60 * 1000;
const MAX_TOKEN_LENGTH = 200;

/** One-time links: random, stored as a hash, single use, expiring. Issuing one retires the previous of its kind. */
@Injectable()
export class IdentityTokens {
  constructor(
    private readonly tokens: IdentityTokenRepository,
    private readonly clock: Clock,
  ) {}

  async issue(tx: TransactionClient, purpose: IdentityTokenPurpose, userId: string | null, lifetimeMs: number): Promise<{ token: string; expiresAt: Date }> {
    const now = this.clock.now();
    await this.tokens.retire(tx, purpose, userId, now);
    const token = newSecret();
    const expiresAt = new Date(now.getTime() + lifetimeMs);
    await this.tokens.insert(tx, { purpose, userId, tokenHash: hashSecret(token), expiresAt });
    return { token, expiresAt };
  }

  async isLive(purpose: IdentityTokenPurpose, token: unknown, db?: TransactionClient | PrismaService): Promise<boolean> {
    if (!isPlausible(token)) return false;
    return (await this.tokens.findLive(purpose, hashSecret(token), this.clock.now(), db)) !== null;
  }

  /** The user the token was for, once; null for a missing, wrong, used or expired token. */
  async consume(tx: TransactionClient, purpose: IdentityTokenPurpose, token: unknown): Promise<{ userId: string | null } | null> {
    if (!isPlausible(token)) return null;
    return this.tokens.consume(tx, purpose, hashSecret(token), this.clock.now());
  }

  retire(tx: TransactionClient, purpose: IdentityTokenPurpose, userId: string | null): Promise<void> {
    return this.tokens.retire(tx, purpose, userId, this.clock.now());
  }
}

function isPlausible(token: unknown): token is string {
  return typeof token === 'string' && token.length >= 20 && token.length <= MAX_TOKEN_LENGTH && /^[A-Za-z0-9_-]+$/.test(token);
}
