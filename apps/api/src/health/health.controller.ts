import { Controller, Get, Header, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';
import { MetricsService } from './metrics.service.js';
import { ReadinessService } from './readiness.service.js';

@Controller()
export class HealthController {
  constructor(
    private readonly readinessCheck: ReadinessService,
    private readonly metrics: MetricsService,
  ) {}

  @Get('healthz')
  @HttpCode(200)
  liveness() {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readiness(@Res({ passthrough: true }) res: Response) {
    const state = await this.readinessCheck.check();
    if (state.ready) return { status: 'ready', database: 'ok' };
    res.status(503).setHeader('Retry-After', '5');
    return { status: 'unavailable' };
  }

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async prometheus(@Res() res: Response) {
    res.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
