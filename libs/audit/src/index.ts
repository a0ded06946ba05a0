export { AuditModule } from './audit.module.js';
export { auditPermissions } from './audit.permissions.js';
