import { Injectable } from '@nestjs/common';
import { hashSecret, RateLimiter } from '@app/shared';
import { RateLimitedError } from '../domain/identity.errors.js';

export const MAIL_LIMIT_WINDOW_MS = 60 * 60 * 1000;
// Per address: a person asking again a few times is normal; more is someone flooding a mailbox.
export const MAIL_REQUESTS_PER_ADDRESS = 3;
// Per IP: higher, since one office or NAT holds many people.
export const MAIL_REQUESTS_PER_IP = 20;

/** Counts every request that would send mail, per address and per IP, and refuses beyond the limits. */
@Injectable()
export class AttemptLimits {
  constructor(private readonly limiter: RateLimiter) {}

  async count(action: string, address: string, ipAddress: string): Promise<void> {
    // Addresses are hashed so the counter store never holds them.
    const keys = [
      { key: `${action}:address:${hashSecret(address.trim().toLowerCase().slice(0, 254))}`, max: MAIL_REQUESTS_PER_ADDRESS },
      { key: `${action}:ip:${ipAddress}`, max: MAIL_REQUESTS_PER_IP },
    ];
    const states = await Promise.all(keys.map(({ key }) => this.limiter.increment(key, MAIL_LIMIT_WINDOW_MS)));
    const waitMs = Math.max(0, ...states.map((state, i) => (state.count > keys[i]!.max ? state.resetInMs : 0)));
    if (waitMs > 0) throw new RateLimitedError(Math.max(1, Math.ceil(waitMs / 1000)));
  }
}
