import { Injectable } from '@nestjs/common';
import { Clock } from '@app/shared';
import { InvitationRepository } from '../infrastructure/invitation.repository.js';
import { MembershipRepository } from '../infrastructure/membership.repository.js';
import { memberView, type MemberView } from './views.js';

export type DirectoryEntry =
  | { kind: 'member'; member: MemberView }
  | { kind: 'invited'; invitation: { id: string; email: string; expiresAt: Date; teamIds: string[] } };

/**
 * How other contexts (teams) find a person of an org: an active member by membership id, user id or
 * email, or else someone whose invitation is still pending.
 */
@Injectable()
export class MemberDirectory {
  constructor(
    private readonly memberships: MembershipRepository,
    private readonly invitations: InvitationRepository,
    private readonly clock: Clock,
  ) {}

  async find(orgId: string, reference: string): Promise<DirectoryEntry | null> {
    const member = await this.memberships.findByReference(orgId, reference);
    if (member) return { kind: 'member', member: memberView(member) };
    const invitation = await this.invitations.findPendingByReference(orgId, reference.trim(), this.clock.now());
    return invitation ? { kind: 'invited', invitation } : null;
  }
}
