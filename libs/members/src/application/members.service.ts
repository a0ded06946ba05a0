import { Injectable } from '@nestjs/common';
import { assertPermission } from '@app/access';
import { memberPermissions as can } from '../members.permissions.js';
import { AuditLog, Clock, decodeCursor, NotFoundError, pickOptionalReference, REFERENCE, ReferenceResolver, toPage, type Db, type Page, type Principal, TransactionRunner } from '@app/shared';
import { LastOwnerError } from '../domain/members.errors.js';
import { assertCanGrantRole, assertCanManageMember } from '../domain/role-rules.js';
import { MembershipRepository, type MemberRecord } from '../infrastructure/membership.repository.js';
import { OrganizationRepository } from '../infrastructure/organization.repository.js';
import { MemberDirectory } from './member-directory.js';
import { RolesService } from './roles.service.js';
import { memberView, type MemberView } from './views.js';

@Injectable()
export class MembersService {
  constructor(
    private readonly memberships: MembershipRepository,
    private readonly organizations: OrganizationRepository,
    private readonly roles: RolesService,
    private readonly references: ReferenceResolver,
    private readonly directory: MemberDirectory,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async list(principal: Principal, input: { cursor?: string; limit?: number; role?: string; team?: string; teamId?: string; query?: string }): Promise<Page<MemberView>> {
    assertPermission(principal, can.list_members);
    const page = decodeCursor(input);
    const orgId = principal.orgId;
    const teamRef = pickOptionalReference(input, 'team', 'teamId');
    const team = teamRef === undefined ? undefined : await this.references.resolve(orgId, REFERENCE.team, teamRef);
    const role = input.role === undefined ? undefined : (await this.roles.resolve(orgId, input.role)).key;
    const rows = await this.memberships.page(orgId, page, { role, teamId: team?.id, query: input.query });
    return toPage(rows, page, (view) => view);
  }

  async get(principal: Principal, input: { member: string }): Promise<MemberView> {
    assertPermission(principal, can.get_member);
    return memberView(await this.member(principal.orgId, input.member));
  }

  async updateRole(principal: Principal, input: { member: string; role: string }): Promise<MemberView & { previousRole: string }> {
    assertPermission(principal, can.update_member_role);
    const orgId = principal.orgId;
    return this.transactions.run(async (tx) => {
      // Serializes owner changes, so two concurrent demotions cannot leave the org without an owner.
      await this.organizations.lock(tx, orgId);
      const member = await this.member(orgId, input.member, tx);
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
      const member = await this.member(orgId, input.member, tx);
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

  /** The member a reference (membership id, user id, email or name) names in the org. */
  private async member(orgId: string, reference: string, db?: Db): Promise<MemberRecord> {
    const id = await this.directory.memberId(orgId, reference, db);
    const member = await this.memberships.findById(orgId, id, db);
    if (!member) throw new NotFoundError('member', reference);
    return member;
  }
}
