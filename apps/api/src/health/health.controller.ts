import { Controller, Get, Header, HttpCode, NotFoundException, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig, PrismaService } from '@app/shared';
import { bearerMatches } from './metrics-access.js';
import { MetricsService } from './metrics.service.js';

@Controller()
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
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

  // Route counters, failed sign-ins and runtime versions are not for everyone: on the public port only
  // with METRICS_TOKEN as a bearer, and not at all without it (METRICS_PORT serves them on loopback).
  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async prometheus(@Req() req: Request, @Res() res: Response) {
    const token = this.config.metricsToken;
    if (token === undefined) throw new NotFoundException('Cannot GET /metrics');
    if (!bearerMatches(req.headers.authorization, token)) {
      res.status(401).setHeader('WWW-Authenticate', 'Bearer realm="metrics"').json({ error: 'unauthorized', message: 'Send METRICS_TOKEN as a bearer token.' });
      return;
    }
    res.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
