import type { Permission } from '@app/access';

// Each operation's permission, declared once: the tool's check and the use case's check both read it.
export const auditPermissions = {
  list_audit_events: 'audit:read',
} as const satisfies Record<string, Permission>;
