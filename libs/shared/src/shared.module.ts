import { Global, Module } from '@nestjs/common';
import { AuditLog } from './audit/audit-log.js';
import { SecretBox } from './crypto/secret-box.js';
import { RateLimiter } from './rate-limit/rate-limiter.js';
import { Clock } from './time/clock.js';

@Global()
@Module({ providers: [AuditLog, SecretBox, Clock, RateLimiter], exports: [AuditLog, SecretBox, Clock, RateLimiter] })
export class SharedModule {}
