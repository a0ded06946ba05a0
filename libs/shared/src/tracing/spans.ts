import { SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';

// The OpenTelemetry API alone: without OTEL_EXPORTER_OTLP_ENDPOINT no SDK is registered and no span is
// made at all (a no-op span still costs its objects, a context switch and two promise hops, three times
// per MCP request); with it, the SDK started in bootstrap records and exports them.
const tracer = trace.getTracer('openwork-cloud-mcp');
let recording = false;

/** Called once the OpenTelemetry SDK is registered (process-wide, like the SDK itself). */
export function recordSpans(): void {
  recording = true;
}

/** Runs `work` inside a span; a thrown error marks the span failed (its type only, never its text). */
export function withSpan<T>(name: string, work: () => Promise<T>, attributes?: Attributes): Promise<T> {
  if (!recording) return work();
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
  if (recording) trace.getActiveSpan()?.setAttributes(attributes);
}
