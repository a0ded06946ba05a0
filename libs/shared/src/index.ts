export { AppConfig, ConfigError, loadConfig, type LogLevel } from './config/app-config.js';
export { ConfigModule } from './config/config.module.js';
export { DATABASE, openDatabase, type Database, type Statement } from './prisma/database.js';
export { DatabaseModule, type DatabaseModuleOptions } from './prisma/database.module.js';
export { EmbeddedDatabaseBusyError } from './prisma/embedded-lock.js';
export { applyMigrations, diffMigrationsToSchema, migrationNames, MIGRATIONS_DIR } from './prisma/migrator.js';
export { PrismaService, type Db, type TransactionClient } from './prisma/prisma.service.js';
export { TransactionRunner } from './prisma/transaction.runner.js';
export { alreadyExistsOnClash, isDatabaseUnavailable, isUniqueViolation, UNAVAILABLE_RETRY_AFTER_SECONDS, type NameClash } from './prisma/prisma-errors.js';
export { Prisma } from './prisma/generated/client.js';
export {
  AlreadyExistsError,
  DomainError,
  InvalidInputError,
  NotFoundError,
  ServiceUnavailableError,
  type ErrorBody,
  type ErrorCategory,
} from './errors/domain-error.js';
export { httpStatusFor } from './errors/http-status.js';
export { SecretBox } from './crypto/secret-box.js';
export { hashSecret, lastFour, newSecret, safeEqual, secretChange } from './crypto/tokens.js';
export { hashPassword, verifyPassword, UNKNOWN_ACCOUNT_HASH } from './crypto/password-hasher.js';
export {
  afterCursor,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  pageArgs,
  pageInMemory,
  pageInput,
  pageOutput,
  toPage,
  type Page,
  type PageRequest,
} from './pagination/pagination.js';
export type { ApprovalEvidence, ApprovalMethod, Principal } from './principal.js';
export { AuditLog, type AuditActor, type AuditEntry } from './audit/audit-log.js';
export { SharedModule } from './shared.module.js';
export { createRootLogger, PinoLoggerService, type LogOutput } from './logging/pino-logger.js';
export { Clock } from './time/clock.js';
export { RateLimiter, type RateLimitState } from './rate-limit/rate-limiter.js';
export { displayName, slugify } from './text/names.js';
export { containsText, escapeLike } from './text/search-text.js';
export { isStorableText, refuseUnstorableText, unstorableTextPath } from './text/storable-text.js';
export { before, DAY_MS, deleteBatchWhere, RetentionDeclarations, RetentionRegistry, type RetentionRule } from './retention/retention.js';
export { annotateActiveSpan, recordSpans, withSpan } from './tracing/spans.js';
export {
  FREE_FORM_MAX_DEPTH,
  FREE_FORM_MAX_JSON_CHARS,
  FREE_FORM_MAX_KEY_LENGTH,
  freeFormObject,
  jsonDepth,
  jsonEntries,
  MAX_BODY_DEPTH,
  nestsDeeperThan,
  type JsonEntry,
} from './json/json-shape.js';
export {
  canonicalEndpointFor,
  MCP_ENDPOINTS,
  MCP_PATH,
  MCP_READONLY_PATH,
  MCP_TOOLSETS_PREFIX,
  mcpEndpointAt,
  mcpEndpointForResource,
  mcpResourceUrls,
  TOOLSETS,
  VALID_ENDPOINT_FORMS,
  type McpEndpoint,
  type Toolset,
} from './mcp/mcp-endpoints.js';
export {
  AmbiguousReferenceError,
  closestNames,
  ADVERTISED_REQUIRED,
  legacyIdField,
  requiredReference,
  UNADVERTISED,
  pickOptionalReference,
  pickReference,
  REFERENCE,
  referenceField,
  ReferenceNotFoundError,
  tableReference,
  type Referent,
  type ReferenceKind,
} from './references/references.js';
export { ReferenceResolver, type Lookup } from './references/reference.resolver.js';
export type { ReferenceScope } from './references/reference.repository.js';
