import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
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
 * REDIS_URL is set so all instances share the counts; while Redis does not answer, this process's own
 * counters keep limiting rather than letting everything through (said once in the log, and counted in
 * `fallbackDecisions` for the rate_limit_fallback_total metric), and shared counting resumes as soon
 * as Redis is back (ioredis keeps reconnecting).
 */
@Injectable()
export class RateLimiter implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RateLimiter');
  private readonly memory: MemoryStore;
  private redis: Redis | undefined;
  private shared: RedisStore | undefined;
  private fallingBack = false;
  private fallbacks = 0;

  constructor(
    private readonly config: AppConfig,
    clock: Clock,
  ) {
    this.memory = new MemoryStore(clock);
  }

  // ioredis is loaded only when Redis is configured (its modules are most of a megabyte of code).
  async onModuleInit(): Promise<void> {
    if (this.config.redisUrl) {
      const { Redis } = await import('ioredis');
      this.redis = new Redis(this.config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 });
      // Reconnection errors repeat every couple of seconds during an outage; the fallback logs once instead.
      this.redis.on('error', () => undefined);
      this.redis.on('ready', () => this.sharedAgain());
      this.redis.connect().catch(() => this.fallBack('cannot connect'));
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

  /** Decisions made with this process's counters because Redis (configured) did not answer. */
  get fallbackDecisions(): number {
    return this.fallbacks;
  }

  /** True while limits are counted in Redis, shared by every instance. */
  get sharedCounting(): boolean {
    return Boolean(this.shared) && this.redis?.status === 'ready' && !this.fallingBack;
  }

  async onModuleDestroy(): Promise<void> {
    this.redis?.disconnect();
  }

  private prefixed(key: string): string {
    return `owmcp:rl:${key}`;
  }

  private async withFallback<T>(work: (store: CounterStore) => Promise<T>): Promise<T> {
    if (!this.shared) return work(this.memory);
    if (this.redis?.status === 'ready') {
      try {
        const value = await work(this.shared);
        if (this.fallingBack) this.sharedAgain();
        return value;
      } catch (error) {
        this.fallBack((error as Error).message);
      }
    } else {
      this.fallBack(`connection ${this.redis?.status ?? 'closed'}`);
    }
    this.fallbacks++;
    return work(this.memory);
  }

  private fallBack(why: string): void {
    if (this.fallingBack) return;
    this.fallingBack = true;
    this.logger.warn(`Redis does not answer (${why}): rate limits are counted per instance until it is back`);
  }

  private sharedAgain(): void {
    if (!this.fallingBack) return;
    this.fallingBack = false;
    this.logger.log('Redis is back: rate limits are shared by all instances again');
  }
}
