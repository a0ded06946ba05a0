import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config.js';
import { Clock } from '../time/clock.js';

export interface RateLimitState {
  /** Attempts counted in the current window. */
  count: number;
  /** Milliseconds until the window resets (0 when nothing is counted). */
  resetInMs: number;
}

interface CounterStore {
  get(key: string): Promise<RateLimitState>;
  increment(key: string, windowMs: number, by: number): Promise<RateLimitState>;
  reset(key: string): Promise<void>;
}

// Fixed-window counters in this process; enough for one instance and for tests.
class MemoryStore implements CounterStore {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly clock: Clock) {}

  async get(key: string): Promise<RateLimitState> {
    const now = this.clock.nowMs();
    const window = this.windows.get(key);
    if (!window || window.resetAt <= now) return { count: 0, resetInMs: 0 };
    return { count: window.count, resetInMs: window.resetAt - now };
  }

  async increment(key: string, windowMs: number, by: number): Promise<RateLimitState> {
    const now = this.clock.nowMs();
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      if (this.windows.size > 100_000) this.sweep(now);
      window = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count += by;
    return { count: window.count, resetInMs: window.resetAt - now };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}

// Shared by every instance when REDIS_URL is set: INCR plus an expiry set on the first hit of a window.
class RedisStore implements CounterStore {
  constructor(private readonly redis: Redis) {}

  async get(key: string): Promise<RateLimitState> {
    const [[, count], [, ttl]] = (await this.redis.multi().get(key).pttl(key).exec()) as [[unknown, string | null], [unknown, number]];
    return { count: Number(count ?? 0), resetInMs: Math.max(0, ttl) };
  }

  async increment(key: string, windowMs: number, by: number): Promise<RateLimitState> {
    const [[, count], , [, ttl]] = (await this.redis.multi().incrby(key, by).pexpire(key, windowMs, 'NX').pttl(key).exec()) as [
      [unknown, number],
      unknown,
      [unknown, number],
    ];
    return { count, resetInMs: Math.max(0, ttl) };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(key);
  }
}

/**
 * Counts events per key in fixed windows (sign-in failures per IP and per account). Uses Redis when
 * REDIS_URL is set so all instances share the counts; if Redis does not answer, this process's own
 * counters keep limiting rather than letting everything through.
 */
@Injectable()
export class RateLimiter implements OnModuleDestroy {
  private readonly logger = new Logger('RateLimiter');
  private readonly memory: MemoryStore;
  private readonly redis: Redis | undefined;
  private readonly shared: RedisStore | undefined;

  constructor(config: AppConfig, clock: Clock) {
    this.memory = new MemoryStore(clock);
    if (config.redisUrl) {
      this.redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 });
      this.redis.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
      this.redis.connect().catch(() => undefined);
      this.shared = new RedisStore(this.redis);
    }
  }

  get(key: string): Promise<RateLimitState> {
    return this.withFallback((store) => store.get(this.prefixed(key)));
  }

  /** Adds `by` (default 1) to the key's count in the current window. */
  increment(key: string, windowMs: number, by = 1): Promise<RateLimitState> {
    return this.withFallback((store) => store.increment(this.prefixed(key), windowMs, by));
  }

  reset(key: string): Promise<void> {
    return this.withFallback((store) => store.reset(this.prefixed(key)));
  }

  async onModuleDestroy(): Promise<void> {
    this.redis?.disconnect();
  }

  private prefixed(key: string): string {
    return `owmcp:rl:${key}`;
  }

  private async withFallback<T>(work: (store: CounterStore) => Promise<T>): Promise<T> {
    if (this.shared && this.redis?.status === 'ready') {
      try {
        return await work(this.shared);
      } catch (error) {
        this.logger.warn(`Redis counters unavailable, using this process's: ${(error as Error).message}`);
      }
    }
    return work(this.memory);
  }
}
