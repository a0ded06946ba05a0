import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const CHECK_MS = 2_000;
// Quiet: the event loop busy under 3 % for two checks in a row (4 s). Background loops (retention,
// outbox) stay far below that.
const QUIET_UTILIZATION = 0.03;
const QUIET_CHECKS = 2;
// Worth a collection: the process grew this much since the last one settled.
const GROWTH_BYTES = 16 * 1024 * 1024;

type Collect = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/**
 * V8 keeps the heap pages a burst of requests made it grow into: after a load it pools the freed pages
 * instead of returning them (Node 24, V8 13.6), and its own idle heuristic does not release them while it
 * still rates the allocation rate as high, so an idle server kept the RSS of its busiest minute (241 MB at
 * start, 571 MB after 10,000 calls). Once the server has been quiet for a few seconds after growing, one
 * memory-reducing collection hands those pages back. Nothing runs per request: quiet is read from the
 * event loop's own utilization.
 */
@Injectable()
export class IdleMemory implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('IdleMemory');
  private timer?: NodeJS.Timeout;
  private collect?: Collect;
  private last: EventLoopUtilization = performance.eventLoopUtilization();
  private quietChecks = 0;
  /** RSS right after the last collection; undefined until the first (the start-up itself leaves garbage). */
  private settledRss?: number;
  /** Collections run so far (the gateway benchmark waits for one before it reads idle memory). */
  collections = 0;

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.check(), CHECK_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private check(): void {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, this.last).utilization;
    this.last = now;
    this.quietChecks = busy < QUIET_UTILIZATION ? this.quietChecks + 1 : 0;
    if (this.quietChecks < QUIET_CHECKS) return;
    if (this.settledRss !== undefined && process.memoryUsage.rss() < this.settledRss + GROWTH_BYTES) return;
    this.release();
  }

  /** One full collection with V8's memory-reducing flags, which also frees its pooled pages. */
  release(): void {
    try {
      this.collect ??= exposedCollector();
      this.collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    } catch (error) {
      // Never worth failing over: stop trying and keep serving.
      this.logger.warn(`Idle memory release unavailable: ${(error as Error).message}`);
      clearInterval(this.timer);
    }
    this.collections++;
    this.settledRss = process.memoryUsage.rss();
    this.quietChecks = 0;
  }
}

// V8's gc() with options, without starting Node with --expose-gc: only a context created while the
// flag is set gets the function, and the flag is cleared again at once.
function exposedCollector(): Collect {
  const existing = (globalThis as { gc?: Collect }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as Collect;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
