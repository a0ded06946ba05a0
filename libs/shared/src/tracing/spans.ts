import { SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';

// The OpenTelemetry API alone: without OTEL_EXPORTER_OTLP_ENDPOINT no SDK is registered and every span
// here is a no-op costing a function call; with it, the SDK started in bootstrap records and exports them.
const tracer = trace.getTracer('openwork-cloud-mcp');

/** Runs `work` inside a span; a thrown error marks the span failed (its type only, never its text). */
export function withSpan<T>(name: string, work: () => Promise<T>, attributes?: Attributes): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.setAttribute('error.type', (error as Error)?.constructor?.name ?? 'Error');
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Adds attributes to the span the caller runs in (none when tracing is off). */
export function annotateActiveSpan(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}
