import { Injectable } from '@nestjs/common';
import { assertPermission } from '@app/access';
import { memberPermissions as can } from '../members.permissions.js';
import { AuditLog, Clock, decodeCursor, NotFoundError, toPage, type Page, type Principal, TransactionRunner } from '@app/shared';
import { LastOwnerError } from '../domain/members.errors.js';
import { assertCanGrantRole, assertCanManageMember } from '../domain/role-rules.js';
import { MembershipRepository } from '../infrastructure/membership.repository.js';
import { OrganizationRepository } from '../infrastructure/organization.repository.js';
import { RolesService } from './roles.service.js';
import { memberView, type MemberView } from './views.js';

const MEMBER_HINT = 'Call list_members (its query filter matches names and emails) to find the member; pass their membership id, user id or email.';

@Injectable()
export class MembersService {
  constructor(
    private readonly memberships: MembershipRepository,
    private readonly organizations: OrganizationRepository,
    private readonly roles: RolesService,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async list(principal: Principal, input: { cursor?: string; limit?: number; role?: string; teamId?: string; query?: string }): Promise<Page<MemberView>> {
    assertPermission(principal, can.list_members);
    const page = decodeCursor(input);
    const rows = await this.memberships.list(principal.orgId, page, { role: input.role, teamId: input.teamId, query: input.query });
    return toPage(rows, page, memberView);
  }

  async get(principal: Principal, input: { member: string }): Promise<MemberView> {
    assertPermission(principal, can.get_member);
    const member = await this.memberships.findByReference(principal.orgId, input.member);
    if (!member) throw new NotFoundError('member', input.member, MEMBER_HINT);
    return memberView(member);
  }

  async updateRole(principal: Principal, input: { member: string; role: string }): Promise<MemberView & { previousRole: string }> {
    assertPermission(principal, can.update_member_role);
    const orgId = principal.orgId;
    return this.transactions.run(async (tx) => {
      // Serializes owner changes, so two concurrent demotions cannot leave the org without an owner.
      await this.organizations.lock(tx, orgId);
      const member = await this.memberships.findByReference(orgId, input.member, tx);
      if (!member) throw new NotFoundError('member', input.member, MEMBER_HINT);
      const role = await this.roles.resolve(orgId, input.role.trim(), tx);
      assertCanManageMember(principal, await this.roles.resolve(orgId, member.role, tx), `change the role of a member with the ${member.role} role`);
      assertCanGrantRole(principal, role);
      if (member.role === role.key) return { ...memberView(member), previousRole: member.role };
      if (member.role === 'owner' && (await this.memberships.countOwners(orgId, tx)) <= 1) throw new LastOwnerError('demote', member.id);
      const updated = await this.memberships.updateRole(tx, member.id, role.key);
      await this.audit.record(
        principal,
        { action: 'member.role_changed', targetType: 'membership', targetId: member.id, details: { email: member.user.email, from: member.role, to: role.key } },
        tx,
      );
      return { ...memberView(updated), previousRole: member.role };
    });
  }

  async remove(principal: Principal, input: { member: string }): Promise<{ removed: MemberView; grantsRevoked: number }> {
    assertPermission(principal, can.remove_member);
    const orgId = principal.orgId;
    return this.transactions.run(async (tx) => {
      await this.organizations.lock(tx, orgId);
      const member = await this.memberships.findByReference(orgId, input.member, tx);
      if (!member) throw new NotFoundError('member', input.member, MEMBER_HINT);
      assertCanManageMember(principal, await this.roles.resolve(orgId, member.role, tx), `remove a member with the ${member.role} role`);
      if (member.role === 'owner' && (await this.memberships.countOwners(orgId, tx)) <= 1) throw new LastOwnerError('remove', member.id);
      await this.memberships.delete(tx, member.id);
      const grantsRevoked = await this.memberships.revokeGrants(tx, orgId, member.userId, this.clock.now(), 'membership_removed');
      await this.audit.record(
        principal,
        { action: 'member.removed', targetType: 'membership', targetId: member.id, details: { email: member.user.email, role: member.role, grantsRevoked } },
        tx,
      );
      return { removed: memberView(member), grantsRevoked };
    });
  }
}
