import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { pageInput, pageOutput, type Principal } from '@app/shared';
import { AuditEventsService } from '../application/audit-events.service.js';
import { AUDIT_APPROVALS } from '../infrastructure/audit-event.repository.js';
import { auditPermissions as can } from '../audit.permissions.js';

const listInput = z.object({
  action: z.string().max(100).optional().describe('Exact action, or a prefix ending in "."'),
  targetType: z.string().max(100).optional().describe('Kind of target'),
  targetId: z.string().max(100).optional().describe('Only events about this id'),
  actor: z.string().min(1).max(254).optional().describe('Member email, name or id'),
  actorUserId: z.string().max(100).optional().describe('User id (also former members)'),
  approval: z
    .enum(AUDIT_APPROVALS)
    .optional()
    .describe('How a risky change was confirmed or refused'),
  ...pageInput,
});

@McpTools({ toolset: 'audit' })
export class AuditTools {
  constructor(private readonly events: AuditEventsService) {}

  @McpTool({
    name: 'list_audit_events',
    description: 'Reads the audit log, newest first: who changed what, through which client.',
    permission: can.list_audit_events,
    input: listInput,
    output: pageOutput(
      z.object({
        id: z.string(),
        action: z.string(),
        targetType: z.string(),
        targetId: z.string().nullable(),
        actorUserId: z.string().nullable(),
        actorMembershipId: z.string().nullable(),
        clientId: z.string().nullable().describe('The MCP client (or first-party app) the change came through'),
        details: z.record(z.string(), z.unknown()).describe('What changed; for a risky change also approval: { method, approvedByUserId, approvedAt }'),
        approval: z.enum(AUDIT_APPROVALS).nullable().describe('How this risky change was confirmed, or why it did not happen; null for other events'),
        createdAt: z.string(),
      }),
    ),
    title: 'Read the audit log',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  list(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof listInput>) {
    return this.events.list(principal, input);
  }
}
