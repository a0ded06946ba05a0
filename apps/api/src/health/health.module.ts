import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { KeysModule } from '@app/keys';
import { HealthController } from './health.controller.js';
import { IdleMemory } from './idle-memory.service.js';
import { MetricsListener } from './metrics-listener.js';
import { MetricsService } from './metrics.service.js';
import { ReadinessService } from './readiness.service.js';
import { RequestMetricsMiddleware } from './request-metrics.middleware.js';

@Module({ imports: [KeysModule], controllers: [HealthController], providers: [MetricsService, MetricsListener, ReadinessService, IdleMemory], exports: [MetricsService, IdleMemory] })
export class HealthModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer.apply(RequestMetricsMiddleware).forRoutes('*');
  }
}
