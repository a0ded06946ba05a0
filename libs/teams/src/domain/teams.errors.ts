import { DomainError } from '@app/shared';

export interface PendingInvitationFacts {
  email: string;
  invitationId: string;
  teamId: string;
  teamName: string;
  expiresAt: string;
  invitationTeamIds: string[];
}

/** The call that makes an invitee join the team on acceptance, for whoever may make it. */
function pendingHint(facts: PendingInvitationFacts, caller: { canInvite: boolean }): string {
  if (facts.invitationTeamIds.includes(facts.teamId)) {
    return `Nothing to do: their invitation already includes "${facts.teamName}", so they join it when they accept.`;
  }
  const call = `update_invitation with {"invitation": "${facts.email}", "addTeams": ["${facts.teamName}"]}`;
  return caller.canInvite
    ? `Call ${call}: they join the team when they accept (their link stays the same, no extra seat). Or add them once they accept (find_people shows them).`
    : `Add them once they accept (find_people shows them), or ask someone who can invite people (members:invite) to call ${call}.`;
}

export class MemberPendingInvitationError extends DomainError {
  constructor(facts: PendingInvitationFacts, caller: { canInvite: boolean }) {
    super(
      'precondition_failed',
      'member_pending_invitation',
      `${facts.email} has not accepted their invitation yet, so they cannot be added to the team "${facts.teamName}" now; only active members can join teams.`,
      { ...facts },
      pendingHint(facts, caller),
    );
  }
}
