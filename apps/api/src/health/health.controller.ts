import { Controller, Get, Header, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';
import { PrismaService } from '@app/shared';
import { MetricsService } from './metrics.service.js';

@Controller()
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly metrics: MetricsService,
  ) {}

  @Get('healthz')
  @HttpCode(200)
  liveness() {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readiness(@Res({ passthrough: true }) res: Response) {
    const database = await this.prisma.isReachable();
    if (!database) res.status(503).setHeader('Retry-After', '5');
    return { status: database ? 'ready' : 'unavailable', database: database ? 'ok' : 'unreachable' };
  }

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async prometheus(@Res() res: Response) {
    res.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
