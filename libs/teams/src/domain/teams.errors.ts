import { DomainError } from '@app/shared';

export class MemberPendingInvitationError extends DomainError {
  constructor(facts: { email: string; invitationId: string; teamId: string; teamName: string; expiresAt: string; invitationTeamIds: string[] }) {
    super(
      'precondition_failed',
      'member_pending_invitation',
      `${facts.email} has not accepted their invitation yet, so they cannot be added to the team "${facts.teamName}" now; only active members can join teams.`,
      facts,
      `Add them once they accept (list_members will show them). To have them join automatically on acceptance, re-send the invitation with invite_member, email ${facts.email} and teams including "${facts.teamName}" (the same invitation is refreshed, no extra seat).`,
    );
  }
}
