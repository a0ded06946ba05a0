import { EmailDomainNotAllowedError, InvitationResendLimitError, SeatLimitReachedError } from './members.errors.js';

export const INVITATION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

// resend_invitation: a few lost or expired-in-the-inbox messages are normal; more is mailbox flooding.
export const RESEND_LIMIT = 3;
export const RESEND_WINDOW_MS = 60 * 60 * 1000;

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

/** A pending invitation past its expiry is expired, whether or not a job has rewritten the row yet. */
export function effectiveStatus(invitation: { status: InvitationStatus; expiresAt: Date }, now: Date): InvitationStatus {
  return invitation.status === 'pending' && invitation.expiresAt <= now ? 'expired' : invitation.status;
}

/** `caller`: what the one who invites may do, so the refusal's hint fits them. */
export function assertEmailDomainAllowed(email: string, allowedDomains: readonly string[], caller: { canAllowDomains: boolean } = { canAllowDomains: false }): void {
  if (allowedDomains.length === 0) return;
  const domain = email.slice(email.lastIndexOf('@') + 1);
  if (!allowedDomains.includes(domain)) throw new EmailDomainNotAllowedError(domain, [...allowedDomains], caller.canAllowDomains);
}

export function assertSeatAvailable(org: { plan: string; seatLimit: number }, seatsUsed: number, billingUrl: string, caller: { isOwner: boolean } = { isOwner: false }): void {
  if (seatsUsed >= org.seatLimit) {
    throw new SeatLimitReachedError({ plan: org.plan, seatLimit: org.seatLimit, seatsUsed, billingUrl }, caller.isOwner);
  }
}

/** What a re-invitation or update_invitation does to a pending invitation's teams. */
export function mergeTeamIds(current: readonly string[], change: { add?: readonly string[]; remove?: readonly string[]; replace?: boolean }): string[] {
  const base = change.replace ? [] : current.filter((id) => !(change.remove ?? []).includes(id));
  return [...new Set([...base, ...(change.add ?? [])])];
}

/** The resends still inside the window, plus this one; refused (with when it works again) past the limit. */
export function nextResentAt(invitationId: string, resentAt: readonly Date[], now: Date): Date[] {
  const recent = resentAt.filter((at) => now.getTime() - at.getTime() < RESEND_WINDOW_MS).sort((a, b) => a.getTime() - b.getTime());
  if (recent.length >= RESEND_LIMIT) {
    throw new InvitationResendLimitError(invitationId, RESEND_LIMIT, new Date(recent[recent.length - RESEND_LIMIT]!.getTime() + RESEND_WINDOW_MS));
  }
  return [...recent, now];
}
