import { Global, Module } from '@nestjs/common';
import { AuditLog } from './audit/audit-log.js';
import { SecretBox } from './crypto/secret-box.js';
import { RateLimiter } from './rate-limit/rate-limiter.js';
import { RetentionRegistry } from './retention/retention.js';
import { Clock } from './time/clock.js';

const providers = [AuditLog, SecretBox, Clock, RateLimiter, RetentionRegistry];

@Global()
@Module({ providers, exports: providers })
export class SharedModule {}
