import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { pageInput, pageOutput, type Principal } from '@app/shared';
import { InvitationsService } from '../application/invitations.service.js';
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

@McpTools()
export class InvitationsTools {
  constructor(private readonly invitations: InvitationsService) {}

  @McpTool({
    name: 'invite_member',
    description:
      'Invites someone to the organization by email, with a role and optionally teams to join on acceptance. No email is ' +
      'sent: the result contains acceptUrl, a one-time link valid for 7 days, for you to hand to the person. Inviting an ' +
      'address that already has a pending invitation re-sends it (new link and expiry, same invitation). Fails with ' +
      'email_domain_not_allowed when the domain is not in the allowed list (an admin can call ' +
      'update_allowed_email_domains), seat_limit_reached when every seat is used (active members and pending invitations ' +
      'count), already_member for existing members. Needs members:invite.',
    permission: can.invite_member,
    input: inviteInput,
    output: z.object({
      invitation: invitationSchema,
      acceptUrl: z.string().describe('Link the invitee opens to create their account (or sign in) and join; shown only now'),
      refreshed: z.boolean().describe('true when an existing pending invitation was re-sent instead of a new one created'),
      emailSent: z.literal(false).describe('Always false: deliver acceptUrl to the person yourself'),
    }),
    annotations: { title: 'Invite member', readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
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
    annotations: { title: 'List invitations', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  list(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof listInvitationsInput>) {
    return this.invitations.list(principal, input);
  }

  @McpTool({
    name: 'revoke_invitation',
    description: 'Revokes a pending invitation: its link stops working and its seat is freed. Needs members:invite.',
    permission: can.revoke_invitation,
    input: revokeInput,
    output: invitationSchema,
    annotations: { title: 'Revoke invitation', readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  })
  revoke(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof revokeInput>) {
    return this.invitations.revoke(principal, input);
  }
}
