import type { OnApplicationShutdown } from '@nestjs/common';

// Exports the spans still buffered when the server stops (nothing to do when tracing is off).
export class TracingShutdown implements OnApplicationShutdown {
  constructor(private readonly tracing?: { shutdown(): Promise<void> }) {}

  async onApplicationShutdown(): Promise<void> {
    await this.tracing?.shutdown();
  }
}
