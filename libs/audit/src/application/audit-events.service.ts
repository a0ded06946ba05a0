import { Injectable } from '@nestjs/common';
import { assertPermission } from '@app/access';
import type { PageRequest, Principal } from '@app/shared';
import { AuditEventRepository, type AuditFilter } from '../infrastructure/audit-event.repository.js';

@Injectable()
export class AuditEventsService {
  constructor(private readonly events: AuditEventRepository) {}

  list(principal: Principal, filter: AuditFilter, page: PageRequest) {
    assertPermission(principal, 'audit:read');
    return this.events.list(principal.orgId, filter, page);
  }
}
