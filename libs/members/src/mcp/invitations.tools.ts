import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { legacyIdField, pageInput, pageOutput, requiredReference, type Principal } from '@app/shared';
import { InvitationsService } from '../application/invitations.service.js';
import { MemberRiskyChanges } from '../application/risky-changes.js';
import { deliverySchema, invitationReference, invitationSchema, roleReference, teamReference } from './schemas.js';
import { memberPermissions as can } from '../members.permissions.js';

const inviteInput = z.object({
  email: z.string().min(3).max(254).describe('Their email address'),
  role: roleReference
    .optional()
    .describe('Role (default member; kept on a re-invite)'),
  teams: z.array(teamReference).max(50).optional().describe('Teams they join on acceptance'),
  replaceTeams: z.boolean().default(false).describe('Re-invite: replace teams, not add'),
});
const updateInput = z.object({
  invitation: invitationReference,
  role: roleReference.optional().describe('New role; omit to keep it'),
  addTeams: z.array(teamReference).max(50).optional().describe('Teams to add'),
  removeTeams: z.array(teamReference).max(50).optional().describe('Teams to remove'),
});
const listInvitationsInput = z.object({
  ...pageInput,
  status: z.enum(['pending', 'accepted', 'revoked', 'expired']).optional().describe('Only this state'),
  query: z.string().min(1).max(100).optional().describe('Email contains this text'),
});
const revokeInput = z.object({ invitation: requiredReference('Invitee email or invitation id'), invitationId: legacyIdField('invitation') });
const resendInput = z.object({ invitation: requiredReference('Invitee email or invitation id'), invitationId: legacyIdField('invitation') });

@McpTools({ toolset: 'people' })
export class InvitationsTools {
  constructor(private readonly invitations: InvitationsService) {}

  @McpTool({
    name: 'invite_member',
    description: 'Invites someone by email with a role and teams; they are mailed a one-time link (7 days). Re-inviting a pending address updates it and sends nothing.',
    permission: can.invite_member,
    input: inviteInput,
    output: z.object({
      invitation: invitationSchema,
      refreshed: z.boolean().describe('true when an existing invitation for this address was updated instead of a new one created'),
      delivery: deliverySchema,
    }),
    title: 'Invite member',
    // It mails someone outside the organization.
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    risk: ({ principal, input, get }) => get(MemberRiskyChanges).inviteMember(principal, input),
  })
  invite(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof inviteInput>) {
    return this.invitations.invite(principal, input);
  }

  @McpTool({
    name: 'update_invitation',
    description: 'Changes a pending invitation\'s role or teams; its link keeps working and nothing is sent.',
    permission: can.update_invitation,
    input: updateInput,
    output: z.object({
      invitation: invitationSchema,
      changed: z.boolean().describe('false when the invitation already was like this; nothing was written'),
    }),
    title: 'Update invitation',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    risk: ({ principal, input, get }) => get(MemberRiskyChanges).updateInvitation(principal, input),
  })
  update(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof updateInput>) {
    return this.invitations.update(principal, input);
  }

  @McpTool({
    name: 'list_invitations',
    description: 'Lists invitations with their mail delivery, oldest first; pending ones hold a seat.',
    permission: can.list_invitations,
    input: listInvitationsInput,
    output: pageOutput(invitationSchema.extend({ delivery: deliverySchema })),
    title: 'List invitations',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  list(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof listInvitationsInput>) {
    return this.invitations.list(principal, input);
  }

  @McpTool({
    name: 'resend_invitation',
    description: 'Mails a pending invitation a new 7-day link; the old one dies. At most 3 times an hour.',
    permission: can.resend_invitation,
    input: resendInput,
    output: z.object({ invitation: invitationSchema, delivery: deliverySchema }),
    title: 'Resend invitation',
    // Not destructive: the link is replaced, and the replacement goes to the same mailbox.
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  })
  resend(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof resendInput>) {
    return this.invitations.resend(principal, input);
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
