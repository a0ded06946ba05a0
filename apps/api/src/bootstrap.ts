import 'reflect-metadata';
import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication, NestExpressBodyParserOptionsFor } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import { OutboxSender } from '@app/mail';
import { oauthBodyErrorHandler, oauthEndpointAliases } from '@app/oauth';
import { createRootLogger, PinoLoggerService, refuseUnstorableText, type AppConfig, type Database } from '@app/shared';
import { AppModule } from './app.module.js';
import { mcpBodyErrorHandler, refuseDeepJson } from './gateway/mcp-body-errors.js';
import { resolveMcpEndpoint } from './gateway/mcp-endpoint.js';
import { McpServerHost } from './gateway/mcp-server.host.js';

export interface CreateAppOptions {
  config: AppConfig;
  database?: Database;
  areas?: Type[];
}

/** Builds the whole server; main.ts and every end-to-end test use this same function. */
export async function createApp({ config, database, areas }: CreateAppOptions): Promise<INestApplication> {
  const logger = new PinoLoggerService(createRootLogger(config.logLevel));
  // The SDK is imported only when an OTLP endpoint is configured; otherwise spans stay API no-ops.
  const tracing = config.otlpEndpoint ? (await import('./tracing/tracing-sdk.js')).startTracing(config.otlpEndpoint) : undefined;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config, database, tracing, areas }), {
    logger,
    bufferLogs: false,
    bodyParser: false,
  });
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  if (tracing) app.use((await import('./tracing/http-spans.middleware.js')).httpSpans);
  app.use(oauthEndpointAliases);
  app.use(resolveMcpEndpoint);
  // Nest reserves `verify` only for its rawBody option (off here) and hands these options to express.json as they are.
  app.useBodyParser('json', { limit: '1mb', verify: refuseDeepJson } as NestExpressBodyParserOptionsFor<'json'>);
  app.useBodyParser('urlencoded', { extended: false, limit: '64kb' });
  app.use(oauthBodyErrorHandler);
  app.use(mcpBodyErrorHandler);
  app.use(refuseUnstorableText);
  app.use(cookieParser());
  app.enableShutdownHooks();

  // Tools are served by a microservice strategy; it must be started before the server listens.
  const mcp = app.get(McpServerHost);
  mcp.strategy.setHttpAdapter(app.getHttpAdapter());
  app.connectMicroservice({ strategy: mcp.strategy }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  app.get(OutboxSender).start();
  return app;
}
