import type { MemberRecord } from '../infrastructure/membership.repository.js';
import type { InvitationRecord } from '../infrastructure/invitation.repository.js';
import { effectiveStatus, type InvitationStatus } from '../domain/invitation-rules.js';

export interface MemberView {
  id: string;
  userId: string;
  email: string;
  name: string;
  role: string;
  joinedAt: string;
}

export function memberView(m: MemberRecord): MemberView {
  return { id: m.id, userId: m.userId, email: m.user.email, name: m.user.name, role: m.role, joinedAt: m.createdAt.toISOString() };
}

export interface InvitationView {
  id: string;
  email: string;
  role: string;
  teamIds: string[];
  status: InvitationStatus;
  invitedByUserId: string;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
}

export function invitationView(i: InvitationRecord, now: Date): InvitationView {
  return {
    id: i.id,
    email: i.email,
    role: i.role,
    teamIds: i.teamIds,
    status: effectiveStatus(i, now),
    invitedByUserId: i.invitedByUserId,
    createdAt: i.createdAt.toISOString(),
    expiresAt: i.expiresAt.toISOString(),
    acceptedAt: i.acceptedAt?.toISOString() ?? null,
  };
}
