import { Injectable } from '@nestjs/common';
import { AppConfig, hashSecret, RateLimiter } from '@app/shared';
import { DESKTOP_CLIENT_ID, GRANT_TYPE_TOKEN_EXCHANGE } from '../domain/oauth-constants.js';
import { OAuthError, OAuthRateLimitedError } from '../domain/oauth.errors.js';
import type { TokenParams } from './grants/token-grant.js';

interface Limit {
  max: number;
  windowMs: number;
}

// Registration creates a row per call and real clients register once: a low ceiling per address.
export const REGISTRATIONS_PER_IP: Limit = { max: 60, windowMs: 10 * 60 * 1000 };
// The token endpoint is hit by every client every 15 minutes; this bounds floods, not normal use.
export const TOKEN_REQUESTS_PER_IP: Limit = { max: 300, windowMs: 60 * 1000 };
// Refused token requests (unknown codes and refresh tokens, wrong client) are what guessing looks like.
export const TOKEN_FAILURES_PER_IP: Limit = { max: 100, windowMs: 10 * 60 * 1000 };
// Per account: one client (or, for the shared desktop client, one web session) cannot monopolise the
// endpoint from many addresses.
export const TOKEN_REQUESTS_PER_ACCOUNT: Limit = { max: 120, windowMs: 60 * 1000 };

// Revocation is called once per sign-out; these bound floods and token probing at the endpoint.
export const REVOCATIONS_PER_IP: Limit = { max: 60, windowMs: 60 * 1000 };
export const REVOCATIONS_PER_CLIENT: Limit = { max: 60, windowMs: 60 * 1000 };

const COUNTED_FAILURES = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client']);

/**
 * Abuse limits of the registration, token and revocation endpoints, on the shared counters (Redis when
 * REDIS_URL is set, so every instance sees the same counts). Over a limit: 429 with Retry-After.
 */
@Injectable()
export class RequestLimits {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly config: AppConfig,
  ) {}

  async admitRegistration(ipAddress: string): Promise<void> {
    if (!this.config.rateLimits) return;
    await this.count(`oauth:register:ip:${ipAddress}`, REGISTRATIONS_PER_IP);
  }

  /** Counts one token request, refuses it when over a limit, and counts its failure if it fails. */
  async token<T>(ipAddress: string, params: TokenParams, work: () => Promise<T>): Promise<T> {
    if (!this.config.rateLimits) return work();
    const failuresKey = `oauth:token-failures:ip:${ipAddress}`;
    const failures = await this.limiter.get(failuresKey);
    if (failures.count >= TOKEN_FAILURES_PER_IP.max) throw new OAuthRateLimitedError(failures.resetInMs);
    await this.count(`oauth:token:ip:${ipAddress}`, TOKEN_REQUESTS_PER_IP);
    const account = accountOf(params);
    if (account) await this.count(`oauth:token:account:${account}`, TOKEN_REQUESTS_PER_ACCOUNT);
    try {
      return await work();
    } catch (error) {
      if (error instanceof OAuthError && COUNTED_FAILURES.has(error.error)) await this.limiter.increment(failuresKey, TOKEN_FAILURES_PER_IP.windowMs);
      throw error;
    }
  }

  async admitRevocation(ipAddress: string, params: TokenParams): Promise<void> {
    if (!this.config.rateLimits) return;
    await this.count(`oauth:revoke:ip:${ipAddress}`, REVOCATIONS_PER_IP);
    if (params.client_id) await this.count(`oauth:revoke:client:${hashSecret(params.client_id.slice(0, 2048))}`, REVOCATIONS_PER_CLIENT);
  }

  private async count(key: string, limit: Limit): Promise<void> {
    const state = await this.limiter.increment(key, limit.windowMs);
    if (state.count > limit.max) throw new OAuthRateLimitedError(state.resetInMs);
  }
}

// Keys are hashed: the counter store never holds client ids or session tokens in the clear.
function accountOf(params: TokenParams): string | undefined {
  if (params.grant_type === GRANT_TYPE_TOKEN_EXCHANGE && params.client_id === DESKTOP_CLIENT_ID) {
    return params.subject_token ? `session:${hashSecret(params.subject_token.slice(0, 512))}` : undefined;
  }
  return params.client_id ? `client:${hashSecret(params.client_id.slice(0, 2048))}` : undefined;
}
