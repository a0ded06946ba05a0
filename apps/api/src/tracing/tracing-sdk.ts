// Loaded (dynamically, by bootstrap.ts) only when OTEL_EXPORTER_OTLP_ENDPOINT is set: the OpenTelemetry
// SDK, an OTLP/HTTP exporter, W3C trace-context propagation and Prisma's query spans.
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { PrismaInstrumentation } from '@prisma/instrumentation';
import { recordSpans } from '@app/shared';

export interface Tracing {
  shutdown(): Promise<void>;
}

let started: Tracing | undefined;

// Process-wide, like the OpenTelemetry globals it sets: a second app in the same process shares it.
export function startTracing(endpoint: string): Tracing {
  if (started) return started;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'openwork-cloud-mcp' }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }), scheduledDelayMillis: 1_000 })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  const prisma = new PrismaInstrumentation();
  prisma.setTracerProvider(provider);
  prisma.enable();
  recordSpans();
  started = {
    async shutdown() {
      await provider.forceFlush().catch(() => undefined);
    },
  };
  return started;
}
