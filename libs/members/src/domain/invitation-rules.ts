import { EmailDomainNotAllowedError, SeatLimitReachedError } from './members.errors.js';

export const INVITATION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

/** A pending invitation past its expiry is expired, whether or not a job has rewritten the row yet. */
export function effectiveStatus(invitation: { status: InvitationStatus; expiresAt: Date }, now: Date): InvitationStatus {
  return invitation.status === 'pending' && invitation.expiresAt <= now ? 'expired' : invitation.status;
}

export function assertEmailDomainAllowed(email: string, allowedDomains: readonly string[]): void {
  if (allowedDomains.length === 0) return;
  const domain = email.slice(email.lastIndexOf('@') + 1);
  if (!allowedDomains.includes(domain)) throw new EmailDomainNotAllowedError(domain, [...allowedDomains]);
}

export function assertSeatAvailable(org: { plan: string; seatLimit: number }, seatsUsed: number, billingUrl: string): void {
  if (seatsUsed >= org.seatLimit) {
    throw new SeatLimitReachedError({ plan: org.plan, seatLimit: org.seatLimit, seatsUsed, billingUrl });
  }
}
