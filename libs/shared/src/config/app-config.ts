import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

// The one typed view of the environment; nothing else reads process.env.
export abstract class AppConfig {
  abstract readonly port: number;
  /** Issuer and base of every absolute URL we print, without a trailing slash. */
  abstract readonly publicUrl: string;
  /** The protected resource: `${publicUrl}/mcp`. */
  abstract readonly mcpResourceUrl: string;
  abstract readonly databaseUrl: string | undefined;
  abstract readonly dataDir: string;
  abstract readonly secretsKey: Buffer;
  abstract readonly logLevel: LogLevel;
  abstract readonly redisUrl: string | undefined;
  /** Request limits of the registration and token endpoints (RATE_LIMITS=off for load benchmarks only). */
  abstract readonly rateLimits: boolean;
  /** Per-grant (token family) request budget on /mcp, per minute; lifted by RATE_LIMITS=off. */
  abstract readonly mcpRequestsPerMinute: number;
  /** Cookies get `Secure` when the public URL is https. */
  abstract readonly secureCookies: boolean;
  abstract readonly billingUrl: string;
  /** `smtp://user:pass@host:587` or `smtps://…`; unset writes mail as .eml files to `${dataDir}/outbox`. */
  abstract readonly smtpUrl: string | undefined;
  /** The From header of every message. */
  abstract readonly mailFrom: string;
  /** Whether anyone may create an account and organization at /sign-up. */
  abstract readonly signUp: 'open' | 'invite-only';
  /** Audit events older than this many days are deleted; 0 keeps them forever. */
  abstract readonly auditRetentionDays: number;
  /** Sent or failed outbox mail older than this many days is deleted; 0 keeps it forever. */
  abstract readonly mailRetentionDays: number;
  /** How long a sender owns a message it took: if it dies mid-send, another sender retries it after this. */
  abstract readonly mailSendLeaseMs: number;
  /** OTLP/HTTP collector base URL; tracing is off (and its SDK never loaded) when unset. */
  abstract readonly otlpEndpoint: string | undefined;
  /** Bearer token that opens `/metrics` on the public port; unset, the public `/metrics` is 404. */
  abstract readonly metricsToken: string | undefined;
  /** A second listener on 127.0.0.1 serving `/metrics` without a token; unset, there is none. */
  abstract readonly metricsPort: number | undefined;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const schema = {
  PORT: z.coerce.number().int().min(0).max(65535),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .refine((value) => !new URL(value).search && !new URL(value).hash, 'must not carry a query or fragment'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  DATA_DIR: z.string().min(1),
  SECRETS_KEY: z
    .string()
    .transform((value) => decodeKey(value))
    .refine((key) => key?.length === 32, 'must be 32 bytes, as 64 hex characters or base64'),
  LOG_LEVEL: z.enum(logLevels),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }),
  RATE_LIMITS: z.enum(['on', 'off']).transform((value) => value === 'on'),
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }),
  // `address@host` or `Display Name <address@host>`; no line breaks, so no header can be injected.
  MAIL_FROM: z
    .string()
    .max(300)
    .regex(/^(?:[^<>\r\n@]{0,200}<[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)$/, 'must be an address (a@example.com) or "Name <a@example.com>"'),
  SIGN_UP: z.enum(['open', 'invite-only']),
  AUDIT_RETENTION_DAYS: z.string().regex(/^\d+$/, 'must be a whole number of days (0 keeps forever)').transform(Number).pipe(z.number().max(100_000)),
  MAIL_RETENTION_DAYS: z.string().regex(/^\d+$/, 'must be a whole number of days (0 keeps forever)').transform(Number).pipe(z.number().max(100_000)),
  // Longer than one send can take (the SMTP timeouts end a stalled one within a minute), else a slow send is sent twice.
  MAIL_SEND_LEASE_SECONDS: z
    .string()
    .regex(/^\d{1,4}$/, 'must be a whole number of seconds from 5 to 3600')
    .transform(Number)
    .refine((value) => value >= 5 && value <= 3600, 'must be a whole number of seconds from 5 to 3600'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }),
  MCP_REQUESTS_PER_MINUTE: z
    .string()
    .regex(/^[0-9]{1,7}$/, 'must be a whole number from 1 to 1000000')
    .transform(Number)
    .refine((value) => value >= 1 && value <= 1_000_000, 'must be a whole number from 1 to 1000000'),
  // Long and plain enough to be a generated secret, never a word someone can guess.
  METRICS_TOKEN: z.string().regex(/^[\x21-\x7e]{24,512}$/, 'must be 24 to 512 visible ASCII characters, no spaces (for example `openssl rand -hex 32`)'),
  METRICS_PORT: z.coerce.number().int().min(1).max(65535),
};

type Env = Record<string, string | undefined>;

function decodeKey(value: string): Buffer | undefined {
  const trimmed = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  const decoded = Buffer.from(trimmed, 'base64');
  return decoded.length === 32 ? decoded : undefined;
}

function read<K extends keyof typeof schema>(env: Env, name: K, fallback?: string): z.output<(typeof schema)[K]> | undefined {
  const raw = env[name] === undefined || env[name] === '' ? fallback : env[name];
  if (raw === undefined) return undefined;
  const parsed = schema[name].safeParse(raw);
  if (!parsed.success) throw new ConfigError(name, parsed.error.issues[0]?.message ?? 'is invalid');
  return parsed.data as z.output<(typeof schema)[K]>;
}

// Without SECRETS_KEY the key lives beside the embedded database and is created on first start.
function secretsKeyFromDataDir(dataDir: string): Buffer {
  const file = join(dataDir, 'secrets.key');
  if (existsSync(file)) {
    const key = decodeKey(readFileSync(file, 'utf8'));
    if (!key) throw new ConfigError('SECRETS_KEY', `is unset and ${file} does not hold a 32-byte key`);
    return key;
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex'), { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}

// A bare host such as `localhost` is not a mail domain; give it one so the default From still parses.
function mailDomain(publicUrl: string): string {
  const host = new URL(publicUrl).hostname.replace(/^\[|\]$/g, '');
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(host) && !/^[\d.]+$/.test(host) ? host : 'localhost.localdomain';
}

export function loadConfig(env: Env = process.env): AppConfig {
  const port = read(env, 'PORT', '3000')!;
  const publicUrl = read(env, 'PUBLIC_URL', `http://localhost:${port}`)!.replace(/\/+$/, '');
  const databaseUrl = read(env, 'DATABASE_URL');
  const dataDirRaw = read(env, 'DATA_DIR', './.data')!;
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(dataDirRaw);
  const secretsKey = read(env, 'SECRETS_KEY') ?? secretsKeyFromDataDir(dataDir);
  const metricsPort = read(env, 'METRICS_PORT');
  if (metricsPort !== undefined && metricsPort === port) throw new ConfigError('METRICS_PORT', 'must differ from PORT');
  return Object.freeze({
    port,
    publicUrl,
    mcpResourceUrl: `${publicUrl}/mcp`,
    databaseUrl,
    dataDir,
    secretsKey: secretsKey as Buffer,
    logLevel: read(env, 'LOG_LEVEL', 'info')!,
    redisUrl: read(env, 'REDIS_URL'),
    rateLimits: read(env, 'RATE_LIMITS', 'on')!,
    mcpRequestsPerMinute: read(env, 'MCP_REQUESTS_PER_MINUTE', '600')!,
    secureCookies: publicUrl.startsWith('https:'),
    billingUrl: `${publicUrl}/billing`,
    smtpUrl: read(env, 'SMTP_URL'),
    mailFrom: read(env, 'MAIL_FROM', `OpenWork Cloud <no-reply@${mailDomain(publicUrl)}>`)!,
    signUp: read(env, 'SIGN_UP', 'invite-only')!,
    auditRetentionDays: read(env, 'AUDIT_RETENTION_DAYS', '365')!,
    mailRetentionDays: read(env, 'MAIL_RETENTION_DAYS', '30')!,
    mailSendLeaseMs: read(env, 'MAIL_SEND_LEASE_SECONDS', '120')! * 1000,
    otlpEndpoint: read(env, 'OTEL_EXPORTER_OTLP_ENDPOINT')?.replace(/\/+$/, ''),
    metricsToken: read(env, 'METRICS_TOKEN'),
    metricsPort,
  });
}
