import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { RateLimiter } from '@app/shared';

// One registry per app instance so several instances in one process (tests) never collide.
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor(limiter: RateLimiter) {
    collectDefaultMetrics({ register: this.registry });
    new Counter({
      name: 'rate_limit_fallback_total',
      help: 'Rate-limit decisions counted by this instance alone because Redis (REDIS_URL) did not answer',
      registers: [this.registry],
      // Read at scrape time from the limiter, which counts without knowing about Prometheus.
      collect() {
        this.reset();
        this.inc(limiter.fallbackDecisions);
      },
    });
  }
}
