import { Injectable } from '@nestjs/common';
import { Clock, NotFoundError, REFERENCE, ReferenceNotFoundError, ReferenceResolver, type Db } from '@app/shared';
import { NotJoinedYetError } from '../domain/members.errors.js';
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

  /** An active member only: an invitee is not_found here, with a pointer to their invitation. */
  async findMember(orgId: string, reference: string, db?: Db): Promise<MemberView> {
    return this.load(orgId, await this.memberId(orgId, reference, db), db);
  }

  /** The membership id a reference names; not_found says when the person is only invited. */
  async memberId(orgId: string, reference: string, db?: Db): Promise<string> {
    const member = await this.references.lookup(orgId, REFERENCE.member, reference, {}, db);
    if ('found' in member) return member.found.id;
    const error = await this.references.failure(orgId, REFERENCE.member, reference, member, {}, db);
    if ('missing' in member && error instanceof ReferenceNotFoundError) {
      const invited = await this.references.lookup(orgId, REFERENCE.invitation, reference, { now: this.clock.now() }, db);
      if ('found' in invited) throw new NotJoinedYetError(error, invited.found);
    }
    throw error;
  }

  private async load(orgId: string, membershipId: string, db?: Db): Promise<MemberView> {
    const row = await this.memberships.findById(orgId, membershipId, db);
    // Removed between the lookup and this read.
    if (!row) throw new NotFoundError('member', membershipId);
    return memberView(row);
  }
}
