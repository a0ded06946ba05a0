import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { pageInput, pageOutput, type Principal } from '@app/shared';
import { InvitationsService } from '../application/invitations.service.js';
import { MemberRiskyChanges } from '../application/risky-changes.js';
import { invitationSchema } from './schemas.js';
import { memberPermissions as can } from '../members.permissions.js';

const inviteInput = z.object({
  email: z.string().min(3).max(254).describe('Email address of the person to invite'),
  role: z.string().min(1).max(64).default('member').describe('Role they get on acceptance: member (default), admin, owner (owners only) or a custom role key'),
  teams: z
    .array(z.string().min(1).max(100))
    .max(50)
    .optional()
    .describe('Teams (ids or exact names from list_teams) the person joins when they accept'),
});
const listInvitationsInput = z.object({
  ...pageInput,
  status: z.enum(['pending', 'accepted', 'revoked', 'expired']).optional().describe('Only invitations in this state; omit for all'),
  query: z.string().min(1).max(100).optional().describe('Only invitations whose email contains this text'),
});
const revokeInput = z.object({ invitationId: z.string().min(1).max(64).describe('Id of a pending invitation (from list_invitations or invite_member)') });

@McpTools({ toolset: 'people' })
export class InvitationsTools {
  constructor(private readonly invitations: InvitationsService) {}

  @McpTool({
    name: 'invite_member',
    description: 'Invites someone by email with a role and optional teams they join on acceptance. No email is sent: hand them the result\'s acceptUrl (one-time, 7 days). Re-inviting a pending address renews its link.',
    permission: can.invite_member,
    input: inviteInput,
    output: z.object({
      invitation: invitationSchema,
      acceptUrl: z.string().describe('Link the invitee opens to create their account (or sign in) and join; shown only now'),
      refreshed: z.boolean().describe('true when an existing pending invitation was re-sent instead of a new one created'),
      emailSent: z.literal(false).describe('Always false: deliver acceptUrl to the person yourself'),
    }),
    title: 'Invite member',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    risk: ({ principal, input, get }) => get(MemberRiskyChanges).inviteMember(principal, input),
  })
  invite(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof inviteInput>) {
    return this.invitations.invite(principal, input);
  }

  @McpTool({
    name: 'list_invitations',
    description: 'Lists invitations of the organization, oldest first, paginated; filter by status (pending invitations hold a seat) or email text.',
    permission: can.list_invitations,
    input: listInvitationsInput,
    output: pageOutput(invitationSchema),
    title: 'List invitations',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  list(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof listInvitationsInput>) {
    return this.invitations.list(principal, input);
  }

  @McpTool({
    name: 'revoke_invitation',
    description: 'Revokes a pending invitation: its link stops working and its seat is freed.',
    permission: can.revoke_invitation,
    input: revokeInput,
    output: invitationSchema,
    title: 'Revoke invitation',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    risk: ({ principal, input, get }) => get(MemberRiskyChanges).revokeInvitation(principal, input),
  })
  revoke(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof revokeInput>) {
    return this.invitations.revoke(principal, input);
  }
}
