import { Injectable } from '@nestjs/common';
import { BUILT_IN_ROLES, isBuiltInRole, type RiskyChange } from '@app/access';
import { displayName, pickReference, REFERENCE, ReferenceResolver, type Principal } from '@app/shared';
import { normalizeEmailDomains } from '../domain/organization-rules.js';
import { normalizePermissions, roleKeyFromName } from '../domain/role-rules.js';
import { MembershipRepository } from '../infrastructure/membership.repository.js';
import { OrganizationRepository } from '../infrastructure/organization.repository.js';
import { InvitationsService } from './invitations.service.js';
import { MemberDirectory } from './member-directory.js';
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
    private readonly directory: MemberDirectory,
    private readonly invitations: InvitationsService,
    private readonly organizations: OrganizationRepository,
    private readonly references: ReferenceResolver,
    private readonly roles: RolesService,
  ) {}

  async removeMember(principal: Principal, input: { member: string }): Promise<RiskyChange> {
    const member = await this.directory.findMember(principal.orgId, input.member);
    return {
      summary:
        `Remove ${member.name} <${member.email}> (role ${member.role}) from ${principal.organization.name}: ` +
        'their team memberships and access grants are deleted and every MCP connection they authorized for this organization stops working. 1 person affected.',
      resolved: { membershipId: member.id },
    };
  }

  async updateMemberRole(principal: Principal, input: { member: string; role: string }): Promise<RiskyChange | null> {
    const member = await this.directory.findMember(principal.orgId, input.member);
    const change = await this.roleChange(principal.orgId, member.role, input.role);
    if (!change) return null;
    return {
      summary:
        `Change the role of ${member.name} <${member.email}> in ${principal.organization.name} from ${change.before} to ${change.after}. ` +
        `Permissions gained: ${list(change.gained)}. Permissions lost: ${list(change.lost)}. 1 person affected.`,
      resolved: { membershipId: member.id, role: change.after },
    };
  }

  /** Risky when the role the invitee would get carries more than a member's; an omitted role changes nothing. */
  async inviteMember(principal: Principal, input: { email: string; role?: string; teams?: string[]; replaceTeams?: boolean }): Promise<RiskyChange | null> {
    if (input.role === undefined) return null;
    const role = await this.roles.resolve(principal.orgId, input.role);
    const extra = beyondMember(role.permissions);
    if (extra.length === 0) return null;
    const email = input.email.trim().toLowerCase();
    const teams = await this.references.resolveAll(principal.orgId, REFERENCE.team, input.teams ?? []);
    return {
      summary: `Invite ${email} to ${principal.organization.name} as ${role.key}, which carries permissions beyond a member's: ${list(extra)}.`,
      resolved: { email, role: role.key, teamIds: teams.map((t) => t.id).sort(), replaceTeams: input.replaceTeams === true },
    };
  }

  /** Risky when the new role gives or takes permissions beyond a member's; teams alone are not. */
  async updateInvitation(principal: Principal, input: { invitation: string; role?: string }): Promise<RiskyChange | null> {
    if (input.role === undefined) return null;
    const invitation = await this.invitations.findPending(principal.orgId, input.invitation);
    const change = await this.roleChange(principal.orgId, invitation.role, input.role);
    if (!change) return null;
    return {
      summary:
        `Change the pending invitation of ${invitation.email} to ${principal.organization.name} from ${change.before} to ${change.after}. ` +
        `Permissions gained: ${list(change.gained)}. Permissions lost: ${list(change.lost)}.`,
      resolved: { invitationId: invitation.id, role: change.after },
    };
  }

  async revokeInvitation(principal: Principal, input: { invitation?: string; invitationId?: string }): Promise<RiskyChange> {
    const invitation = await this.invitations.findPending(principal.orgId, pickReference(input, 'invitation', 'invitationId'));
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
    if (input.permissions === undefined) return null;
    const current = await this.roles.resolve(principal.orgId, input.role);
    // Built-in roles cannot be changed at all: the use case refuses them with built_in_role.
    if (isBuiltInRole(current.key)) return null;
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
    const role = await this.roles.resolve(principal.orgId, input.role);
    // Built-in roles cannot be deleted at all: the use case refuses them with built_in_role.
    if (isBuiltInRole(role.key)) return null;
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

  /** What moving from one role to another gives and takes beyond a member's permissions; null when nothing. */
  private async roleChange(orgId: string, fromKey: string, toReference: string) {
    const [before, after] = await Promise.all([this.roles.resolve(orgId, fromKey), this.roles.resolve(orgId, toReference)]);
    if (before.key === after.key) return null;
    const had: readonly string[] = before.permissions;
    const has: readonly string[] = after.permissions;
    const gained = beyondMember(has).filter((p) => !had.includes(p));
    const lost = beyondMember(had).filter((p) => !has.includes(p));
    if (gained.length === 0 && lost.length === 0) return null;
    return { before: before.key, after: after.key, gained, lost };
  }
}
