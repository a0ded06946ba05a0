import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { pageInput, pageOutput, type Principal } from '@app/shared';
import { AuditEventsService } from '../application/audit-events.service.js';
import { auditPermissions as can } from '../audit.permissions.js';

const listInput = z.object({
  action: z.string().max(100).optional().describe('Exact action such as "access.granted", or a prefix ending with "." such as "plugin."'),
  targetType: z.string().max(100).optional().describe('Kind of target, e.g. skill, plugin, marketplace, worker, connector, llm_provider'),
  targetId: z.string().max(100).optional().describe('Only events about this id'),
  actor: z.string().min(1).max(254).optional().describe('Only events by this member: their email, name or id (e.g. "priya@example.com")'),
  actorUserId: z.string().max(100).optional().describe('Only events by this user id (also reaches people who have left)'),
  ...pageInput,
});

@McpTools()
export class AuditTools {
  constructor(private readonly events: AuditEventsService) {}

  @McpTool({
    name: 'list_audit_events',
    description:
      'Reads the organization\'s audit log, newest first: who (user, MCP client) changed what and when. Every change made through ' +
      'this server is recorded. Filter by action (exact, e.g. "skill.created", or a prefix ending in ".", e.g. "worker."), target or actor.',
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
        details: z.record(z.string(), z.unknown()),
        createdAt: z.string(),
      }),
    ),
    annotations: { title: 'Read the audit log', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  list(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof listInput>) {
    return this.events.list(principal, input);
  }
}
