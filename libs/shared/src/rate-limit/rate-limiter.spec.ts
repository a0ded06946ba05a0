import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import type { AppConfig } from '../config/app-config.js';
import { Clock } from '../time/clock.js';
import { RateLimiter } from './rate-limiter.js';

const config = (redisUrl?: string) => ({ redisUrl }) as AppConfig;

function redisReachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(6379, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

const withRedis = await redisReachable();

describe('RateLimiter', () => {
  it('counts in fixed windows per key and forgets them when the window ends', async () => {
    const clock = new Clock();
    const limiter = new RateLimiter(config(), clock);
    assert.deepEqual(await limiter.get('a'), { count: 0, resetInMs: 0 });
    await limiter.increment('a', 60_000);
    const second = await limiter.increment('a', 60_000);
    assert.equal(second.count, 2);
    assert.equal((await limiter.get('b')).count, 0);
    clock.advance(30_000);
    // Real time moves on underneath the advanced clock, so allow for the milliseconds the test itself takes.
    const { resetInMs } = await limiter.get('a');
    assert.ok(resetInMs <= 30_000 && resetInMs > 29_000, String(resetInMs));
    clock.advance(30_001);
    assert.equal((await limiter.get('a')).count, 0);
    await limiter.increment('a', 60_000);
    await limiter.reset('a');
    assert.equal((await limiter.get('a')).count, 0);
    // A batch of messages counts as many.
    await limiter.increment('batch', 60_000, 4);
    assert.equal((await limiter.increment('batch', 60_000, 3)).count, 7);
  });

  it('shares counters through Redis when REDIS_URL is set', { skip: !withRedis && 'no Redis on 127.0.0.1:6379' }, async () => {
    const a = new RateLimiter(config('redis://127.0.0.1:6379'), new Clock());
    const b = new RateLimiter(config('redis://127.0.0.1:6379'), new Clock());
    await Promise.all([a.onModuleInit(), b.onModuleInit()]);
    try {
      for (let i = 0; i < 50 && ((a as unknown as { redis: { status: string } }).redis.status !== 'ready' || (b as unknown as { redis: { status: string } }).redis.status !== 'ready'); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const key = `spec:${randomBytes(6).toString('hex')}`;
      await a.increment(key, 10_000);
      const seen = await b.increment(key, 10_000);
      assert.equal(seen.count, 2, 'the second instance sees the first one\'s count');
      assert.equal((await a.increment(key, 10_000, 5)).count, 7);
      assert.ok(seen.resetInMs > 0 && seen.resetInMs <= 10_000);
      await b.reset(key);
      assert.equal((await a.get(key)).count, 0);
    } finally {
      await a.onModuleDestroy();
      await b.onModuleDestroy();
    }
  });
});
