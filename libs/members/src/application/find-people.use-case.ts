import { Injectable } from '@nestjs/common';
import { assertPermission } from '@app/access';
import { Clock, type Principal } from '@app/shared';
import { InvitationRepository } from '../infrastructure/invitation.repository.js';
import { MembershipRepository } from '../infrastructure/membership.repository.js';
import { memberPermissions as can } from '../members.permissions.js';

export interface PersonView {
  status: 'active' | 'invited';
  /** Membership id for members, invitation id for invitees. */
  id: string;
  name: string | null;
  email: string;
  role: string;
  /** Invitees only: when their invitation stops working. */
  expiresAt: string | null;
}

/**
 * "Who is Priya?" in one call: active members whose name or email contains the text and pending
 * invitees whose email does, exact matches first.
 */
@Injectable()
export class FindPeopleUseCase {
  constructor(
    private readonly memberships: MembershipRepository,
    private readonly invitations: InvitationRepository,
    private readonly clock: Clock,
  ) {}

  async execute(principal: Principal, input: { query: string; limit: number }): Promise<{ people: PersonView[]; truncated: boolean }> {
    assertPermission(principal, can.find_people);
    const query = input.query.trim();
    const now = this.clock.now();
    const [members, invitees] = await Promise.all([
      this.memberships.search(principal.orgId, query, input.limit + 1),
      this.invitations.searchPending(principal.orgId, query, now, input.limit + 1),
    ]);
    const people: PersonView[] = [
      ...members.map((m) => ({ status: 'active' as const, id: m.id, name: m.user.name, email: m.user.email, role: m.role, expiresAt: null })),
      ...invitees.map((i) => ({ status: 'invited' as const, id: i.id, name: null, email: i.email, role: i.role, expiresAt: i.expiresAt.toISOString() })),
    ];
    const wanted = query.toLowerCase();
    const exact = (p: PersonView) => p.email === wanted || p.name?.toLowerCase() === wanted;
    // Stable: exact matches first, otherwise members before invitees in id order.
    const ranked = [...people.filter(exact), ...people.filter((p) => !exact(p))];
    return { people: ranked.slice(0, input.limit), truncated: ranked.length > input.limit };
  }
}
