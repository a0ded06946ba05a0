import { DomainError, type Referent } from '@app/shared';

export class OrganizationNotFoundError extends DomainError {
  constructor(slug: string) {
    super('not_found', 'organization_not_found', `No organization has the slug "${slug}".`, { slug });
  }
}

export class UnknownRoleError extends DomainError {
  constructor(role: string, available: string[]) {
    super(
      'invalid_input',
      'unknown_role',
      `"${role}" is not a role of this organization.`,
      { role, availableRoles: available },
      `Use one of: ${available.join(', ')} (list_roles shows what each allows).`,
    );
  }
}

export class AlreadyMemberError extends DomainError {
  constructor(email: string, membershipId: string) {
    super('conflict', 'already_member', `${email} is already a member of this organization.`, { email, membershipId }, 'Use update_member_role to change their role.');
  }
}

export class EmailDomainNotAllowedError extends DomainError {
  /** `canAllow`: the caller may change the list themselves (org:manage), so the hint says how. */
  constructor(domain: string, allowedDomains: string[], canAllow: boolean) {
    super(
      'precondition_failed',
      'email_domain_not_allowed',
      `Invitations to ${domain} addresses are not allowed: this organization only accepts ${allowedDomains.join(', ')}.`,
      { domain, allowedDomains },
      canAllow
        ? `Invite an address on an allowed domain, or call update_allowed_email_domains with {"add": ["${domain}"]} and then invite_member again.`
        : `Invite an address on an allowed domain, or ask an owner or admin to call update_allowed_email_domains with ${domain} added to the list.`,
    );
  }
}

export const BILLING_RULE =
  'Every active member and every pending (unexpired) invitation uses a seat. Invitations cannot be sent while all seats are used; ' +
  'revoke a pending invitation, remove a member, or raise the seat limit on the billing page.';

export class SeatLimitReachedError extends DomainError {
  /** `isOwner`: the caller can buy seats themselves. */
  constructor(facts: { plan: string; seatLimit: number; seatsUsed: number; billingUrl: string }, isOwner: boolean) {
    super(
      'limit_reached',
      'seat_limit_reached',
      `All ${facts.seatLimit} seats of the "${facts.plan}" plan are in use (${facts.seatsUsed} used), so no invitation was sent.`,
      { ...facts, billingRule: BILLING_RULE },
      `Free a seat (revoke_invitation for a pending invitation you no longer need, or remove_member), or ${isOwner ? 'buy' : 'have an owner buy'} more seats at ${facts.billingUrl}.`,
    );
  }
}

export class OwnerRequiredError extends DomainError {
  constructor(action: string) {
    super(
      'permission_denied',
      'owner_required',
      `Only an owner can ${action}.`,
      { requiredRole: 'owner' },
      'Ask an owner of the organization to do this.',
    );
  }
}

export class RoleEscalationError extends DomainError {
  constructor(role: string, missing: string[], action = 'give it to anyone') {
    super(
      'permission_denied',
      'role_exceeds_your_permissions',
      `The role "${role}" allows things your own role does not (${missing.join(', ')}), so you cannot ${action}.`,
      { role, missingPermissions: missing },
      'Pick a role whose permissions are within yours, or ask an owner to do this.',
    );
  }
}

export class LastOwnerError extends DomainError {
  constructor(action: 'remove' | 'demote', membershipId: string) {
    super(
      'precondition_failed',
      'last_owner',
      `This member is the organization's only owner and cannot be ${action === 'remove' ? 'removed' : 'given another role'}.`,
      { membershipId },
      'Make another member an owner first (update_member_role with role "owner"), then try again.',
    );
  }
}

export class InvitationNotPendingError extends DomainError {
  constructor(invitationId: string, status: string, action: 'revoked' | 'changed' | 'resent' = 'revoked') {
    super(
      'precondition_failed',
      'invitation_not_pending',
      `The invitation is ${status}, so it cannot be ${action}.`,
      { invitationId, status },
      `Only pending invitations can be ${action}; list_invitations shows their status${status === 'expired' ? ', and invite_member sends a new one' : ''}.`,
    );
  }
}

export class BuiltInRoleError extends DomainError {
  constructor(role: string) {
    super(
      'precondition_failed',
      'built_in_role',
      `"${role}" is a built-in role and cannot be changed or deleted.`,
      { role },
      'Create a custom role with create_role instead.',
    );
  }
}

export class RoleInUseError extends DomainError {
  constructor(role: string, members: number, pendingInvitations: number) {
    super(
      'precondition_failed',
      'role_in_use',
      `The role "${role}" is still used by ${members} member(s) and ${pendingInvitations} pending invitation(s), so it cannot be deleted.`,
      { role, members, pendingInvitations },
      'Give those members another role with update_member_role (and revoke or re-send the invitations), then delete the role.',
    );
  }
}

/** A member reference that names someone who is only invited: not_found, pointing at the invitation. */
export class NotJoinedYetError extends DomainError {
  constructor(notFound: DomainError, invitation: Referent) {
    super(
      'not_found',
      'not_found',
      `${invitation.name} has been invited but has not joined yet, so they are not a member.`,
      { ...notFound.details, invitationId: invitation.id, email: invitation.name },
      `Their pending invitation is changed with update_invitation {"invitation": "${invitation.name}"} (role, addTeams, removeTeams) and withdrawn with revoke_invitation; find_people shows members and invitees.`,
    );
  }
}

export class InvitationResendLimitError extends DomainError {
  constructor(invitationId: string, limit: number, retryAt: Date) {
    super(
      'limit_reached',
      'rate_limited',
      `This invitation's link was already resent ${limit} times in the last hour.`,
      { invitationId, limit, window: '1 hour', retryAt: retryAt.toISOString() },
      `Resend it again after ${retryAt.toISOString()}; list_invitations shows whether the last message was delivered.`,
    );
  }
}

/** Acceptance-page failures: the invitation link cannot be used any more. */
export class InvitationUnusableError extends DomainError {
  constructor(readonly reason: 'unknown' | 'expired' | 'revoked' | 'accepted') {
    super(reason === 'unknown' ? 'not_found' : 'precondition_failed', `invitation_${reason}`, `The invitation is ${reason}.`, { reason });
  }
}

/**
 * An invitation for an existing account is accepted only by that account, signed in through /sign-in
 * (with its rate limits). The page never checks a password, so this one refusal is all a guesser sees.
 */
export class InvitationSignInRequiredError extends DomainError {
  constructor(email: string) {
    super('unauthenticated', 'invitation_sign_in_required', `Sign in as ${email} to accept this invitation.`, { email });
  }
}

/**
 * Signed in as another account: the page says only that, the same whether or not the invited address
 * has an account, so a signed-in visitor who is not the invitee learns nothing about it.
 */
export class InvitationWrongAccountError extends DomainError {
  constructor(readonly signedInAs: string) {
    super('unauthenticated', 'invitation_wrong_account', `You are signed in as ${signedInAs}, not as the invited address. Sign out, then open this link again.`, {});
  }
}
