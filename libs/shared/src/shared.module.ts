import { Global, Module } from '@nestjs/common';
import { AuditLog } from './audit/audit-log.js';
import { SecretBox } from './crypto/secret-box.js';

@Global()
@Module({ providers: [AuditLog, SecretBox], exports: [AuditLog, SecretBox] })
export class SharedModule {}
