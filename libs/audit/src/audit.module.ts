import { Module } from '@nestjs/common';
import { AuditEventsService } from './application/audit-events.service.js';
import { AuditEventRepository } from './infrastructure/audit-event.repository.js';
import { AuditRetentionRepository } from './infrastructure/audit-retention.repository.js';
import { AuditTools } from './mcp/audit.tools.js';

const useCases = [AuditEventsService];
const repositories = [AuditEventRepository, AuditRetentionRepository];
const tools = [AuditTools];

// Reading the audit log; writing it is AuditLog in @app/shared, called by every mutating use case.
@Module({ controllers: tools, providers: [...useCases, ...repositories] })
export class AuditModule {}
