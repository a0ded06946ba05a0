import { Global, Module } from '@nestjs/common';
import { AuditLog } from './audit/audit-log.js';
import { SecretBox } from './crypto/secret-box.js';
import { Clock } from './time/clock.js';

@Global()
@Module({ providers: [AuditLog, SecretBox, Clock], exports: [AuditLog, SecretBox, Clock] })
export class SharedModule {}
