import { createRequire } from 'node:module';
import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/app-config.js';

export interface LogOutput {
  /** Human-readable lines (for a terminal) instead of one JSON object per line (for log collectors). */
  pretty: boolean;
  /** Where lines go; stdout when omitted. */
  stream?: NodeJS.WritableStream;
}

// A person at a terminal reads lines; anything else (a file, a pipe, a collector) gets JSON.
const defaultOutput = (): LogOutput => ({ pretty: Boolean(process.stdout.isTTY) });

type PrettyFactory = (options: Record<string, unknown>) => DestinationStream;

export function createRootLogger(level: LogLevel, output: LogOutput = defaultOutput()): Logger {
  const options = {
    level,
    base: { service: 'openwork-cloud-mcp' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.apiKey', '*.credentials', '*.token'],
      censor: '[redacted]',
    },
  };
  if (!output.pretty) return output.stream ? pino(options, output.stream as DestinationStream) : pino(options);
  // Loaded only for a terminal; synchronous, so no worker thread is started for it.
  const pretty = createRequire(import.meta.url)('pino-pretty') as PrettyFactory;
  return pino(
    options,
    pretty({
      sync: true,
      colorize: !output.stream && Boolean(process.stdout.hasColors?.()),
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,service,context',
      messageFormat: '{if context}[{context}] {end}{msg}',
      ...(output.stream ? { destination: output.stream } : {}),
    }),
  );
}

// Nest's logger interface on top of pino, so framework and application logs share one JSON stream.
export class PinoLoggerService implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
  fatal(message: unknown, context?: string) {
    this.logger.fatal({ context }, String(message));
  }
}
