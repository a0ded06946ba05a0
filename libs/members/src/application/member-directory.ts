import { Injectable } from '@nestjs/common';
import { Clock, NotFoundError, REFERENCE, ReferenceResolver, type Db } from '@app/shared';
import { InvitationRepository } from '../infrastructure/invitation.repository.js';
import { MembershipRepository } from '../infrastructure/membership.repository.js';
import { memberView, type MemberView } from './views.js';

export type DirectoryEntry =
  | { kind: 'member'; member: MemberView }
  | { kind: 'invited'; invitation: { id: string; email: string; expiresAt: Date; teamIds: string[] } };

/**
 * How a person of an org is found from what a caller wrote (membership id, user id, email or name):
 * an active member, or else someone whose invitation is still pending (by email or invitation id).
 * Used by this context and by others (teams, sharing).
 */
@Injectable()
export class MemberDirectory {
  constructor(
    private readonly memberships: MembershipRepository,
    private readonly invitations: InvitationRepository,
    private readonly references: ReferenceResolver,
    private readonly clock: Clock,
  ) {}

  /** The person, or ambiguous_reference / not_found (with the closest member names). */
  async find(orgId: string, reference: string, db?: Db): Promise<DirectoryEntry> {
    const member = await this.references.lookup(orgId, REFERENCE.member, reference, {}, db);
    if ('found' in member) return { kind: 'member', member: await this.load(orgId, member.found.id, db) };
    if ('missing' in member) {
      const invited = await this.references.lookup(orgId, REFERENCE.invitation, reference, { now: this.clock.now() }, db);
      if ('found' in invited) {
        const invitation = await this.invitations.findById(orgId, invited.found.id, db);
        if (invitation) return { kind: 'invited', invitation };
      }
    }
    throw await this.references.failure(orgId, REFERENCE.member, reference, member, {}, db);
  }

  /** An active member only: an invitee is not_found here, like anyone else who is not a member. */
  async findMember(orgId: string, reference: string, db?: Db): Promise<MemberView> {
    const member = await this.references.resolve(orgId, REFERENCE.member, reference, {}, db);
    return this.load(orgId, member.id, db);
  }

  private async load(orgId: string, membershipId: string, db?: Db): Promise<MemberView> {
    const row = await this.memberships.findById(orgId, membershipId, db);
    // Removed between the lookup and this read.
    if (!row) throw new NotFoundError('member', membershipId);
    return memberView(row);
  }
}
