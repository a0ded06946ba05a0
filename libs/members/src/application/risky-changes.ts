import { Injectable } from '@nestjs/common';
import { BUILT_IN_ROLES, isBuiltInRole, type RiskyChange } from '@app/access';
import { displayName, NotFoundError, type Principal } from '@app/shared';
import { normalizeEmailDomains } from '../domain/organization-rules.js';
import { normalizePermissions, roleKeyFromName } from '../domain/role-rules.js';
import { InvitationRepository } from '../infrastructure/invitation.repository.js';
import { MembershipRepository } from '../infrastructure/membership.repository.js';
import { OrganizationRepository } from '../infrastructure/organization.repository.js';
import { RoleRepository } from '../infrastructure/role.repository.js';
import { RolesService } from './roles.service.js';

const MEMBER_PERMISSIONS: ReadonlySet<string> = new Set(BUILT_IN_ROLES.member.permissions);
const beyondMember = (permissions: readonly string[]) => permissions.filter((p) => !MEMBER_PERMISSIONS.has(p));
const list = (items: readonly string[]) => (items.length === 0 ? 'none' : items.join(', '));

/**
 * Which people, role and organization changes are risky, and what they would change in words. A change
 * is risky when it removes someone, widens who can be invited, or gives or takes permissions beyond
 * what the built-in member role holds. Names are resolved to ids here; the confirmation is bound to them.
 */
@Injectable()
export class MemberRiskyChanges {
  constructor(
    private readonly memberships: MembershipRepository,
    private readonly invitations: InvitationRepository,
    private readonly organizations: OrganizationRepository,
    private readonly roleRecords: RoleRepository,
    private readonly roles: RolesService,
  ) {}

  async removeMember(principal: Principal, input: { member: string }): Promise<RiskyChange> {
    const member = await this.memberships.findByReference(principal.orgId, input.member);
    if (!member) throw new NotFoundError('member', input.member);
    return {
      summary:
        `Remove ${member.user.name} <${member.user.email}> (role ${member.role}) from ${principal.organization.name}: ` +
        'their team memberships and access grants are deleted and every MCP connection they authorized for this organization stops working. 1 person affected.',
      resolved: { membershipId: member.id },
    };
  }

  async updateMemberRole(principal: Principal, input: { member: string; role: string }): Promise<RiskyChange | null> {
    const member = await this.memberships.findByReference(principal.orgId, input.member);
    if (!member) return null;
    const [before, after] = await Promise.all([this.roles.resolve(principal.orgId, member.role), this.roles.resolve(principal.orgId, input.role.trim())]);
    if (before.key === after.key) return null;
    const had: readonly string[] = before.permissions;
    const has: readonly string[] = after.permissions;
    const gained = beyondMember(has).filter((p) => !had.includes(p));
    const lost = beyondMember(had).filter((p) => !has.includes(p));
    if (gained.length === 0 && lost.length === 0) return null;
    return {
      summary:
        `Change the role of ${member.user.name} <${member.user.email}> in ${principal.organization.name} from ${before.key} to ${after.key}. ` +
        `Permissions gained: ${list(gained)}. Permissions lost: ${list(lost)}. 1 person affected.`,
      resolved: { membershipId: member.id, role: after.key },
    };
  }

  async inviteMember(principal: Principal, input: { email: string; role: string; teams?: string[] }): Promise<RiskyChange | null> {
    const role = await this.roles.resolve(principal.orgId, input.role.trim());
    const extra = beyondMember(role.permissions);
    if (extra.length === 0) return null;
    const email = input.email.trim().toLowerCase();
    return {
      summary: `Invite ${email} to ${principal.organization.name} as ${role.key}, which carries permissions beyond a member's: ${list(extra)}.`,
      resolved: { email, role: role.key, teams: [...(input.teams ?? [])].sort() },
    };
  }

  async revokeInvitation(principal: Principal, input: { invitationId: string }): Promise<RiskyChange> {
    const invitation = await this.invitations.findById(principal.orgId, input.invitationId);
    if (!invitation) throw new NotFoundError('invitation', input.invitationId, 'Call list_invitations to find the invitation id.');
    return {
      summary: `Revoke the invitation of ${invitation.email} (role ${invitation.role}) to ${principal.organization.name}: their link stops working. 1 invitation affected.`,
      resolved: { invitationId: invitation.id },
    };
  }

  async createRole(principal: Principal, input: { name: string; permissions: string[] }): Promise<RiskyChange | null> {
    const permissions = normalizePermissions(input.permissions);
    const extra = beyondMember(permissions);
    if (extra.length === 0) return null;
    const name = displayName(input.name, { max: 50 });
    return {
      summary: `Create the role "${name}" in ${principal.organization.name} with permissions beyond a member's: ${list(extra)}. Nobody holds it yet.`,
      resolved: { key: roleKeyFromName(name), permissions: [...permissions].sort() },
    };
  }

  async updateRole(principal: Principal, input: { role: string; permissions?: string[] }): Promise<RiskyChange | null> {
    if (input.permissions === undefined || isBuiltInRole(input.role)) return null;
    const current = await this.roleRecords.findByReference(principal.orgId, input.role);
    if (!current) return null;
    const permissions = normalizePermissions(input.permissions);
    const held: readonly string[] = current.permissions;
    const added = permissions.filter((p) => !held.includes(p));
    if (added.length === 0) return null;
    const holders = await this.memberships.countWithRole(principal.orgId, current.key);
    return {
      summary: `Add permissions to the role "${current.name}" (${current.key}) in ${principal.organization.name}: ${list(added)}. ${holders} member(s) hold this role.`,
      resolved: { roleId: current.id, permissions: [...permissions].sort() },
    };
  }

  async deleteRole(principal: Principal, input: { role: string }): Promise<RiskyChange | null> {
    // Built-in roles cannot be deleted at all: the use case refuses them with built_in_role.
    if (isBuiltInRole(input.role)) return null;
    const role = await this.roleRecords.findByReference(principal.orgId, input.role);
    if (!role) throw new NotFoundError('role', input.role);
    return { summary: `Delete the custom role "${role.name}" (${role.key}) from ${principal.organization.name}.`, resolved: { roleId: role.id } };
  }

  async updateAllowedEmailDomains(principal: Principal, input: { set?: string[]; add?: string[]; remove?: string[] }): Promise<RiskyChange | null> {
    const org = await this.organizations.findById(principal.orgId);
    if (!org) return null;
    const set = input.set === undefined ? undefined : normalizeEmailDomains(input.set, 'set');
    const add = normalizeEmailDomains(input.add ?? [], 'add');
    const remove = normalizeEmailDomains(input.remove ?? [], 'remove');
    const before = org.allowedEmailDomains;
    const after = [...new Set([...(set ?? before), ...add])].filter((d) => !remove.includes(d)).sort();
    // An empty list already admits every domain: nothing can widen it.
    if (before.length === 0) return null;
    const added = after.filter((d) => !before.includes(d));
    if (after.length > 0 && added.length === 0) return null;
    return {
      summary:
        after.length === 0
          ? `Allow invitations to ${org.name} from ANY email domain (today only ${list(before)}).`
          : `Allow invitations to ${org.name} from ${list(added)} as well (allowed domains become: ${list(after)}).`,
      resolved: { allowedEmailDomains: after },
    };
  }

  async updateOrganization(principal: Principal, input: { confirmRiskyChanges?: 'always' | 'never' }): Promise<RiskyChange | null> {
    if (input.confirmRiskyChanges !== 'never') return null;
    const org = await this.organizations.findById(principal.orgId);
    if (!org || org.confirmRiskyChanges === 'never') return null;
    return {
      summary:
        `Stop asking for confirmation in ${org.name}: from now on agents remove members, widen access and change permissions ` +
        'without anyone confirming (each change is still audited as policy-off).',
      resolved: { confirmRiskyChanges: 'never' },
      browserOnly: true,
    };
  }
}
