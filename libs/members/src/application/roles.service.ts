import { Injectable } from '@nestjs/common';
import { assertPermission, isPermission, type Permission } from '@app/access';
import { memberPermissions as can } from '../members.permissions.js';
import { alreadyExistsOnClash, AlreadyExistsError, AmbiguousReferenceError, AuditLog, Clock, closestNames, decodeCursor, displayName, pageInMemory, NotFoundError, REFERENCE, ReferenceNotFoundError, ReferenceResolver, TransactionRunner, type Page, type Principal, type TransactionClient } from '@app/shared';
import { BuiltInRoleError, RoleInUseError } from '../domain/members.errors.js';
import {
  assertCanGrantRole,
  BUILT_IN_ROLE_DEFINITIONS,
  builtInRole,
  normalizePermissions,
  roleKeyFromName,
  type RoleDefinition,
} from '../domain/role-rules.js';
import { InvitationRepository } from '../infrastructure/invitation.repository.js';
import { MembershipRepository } from '../infrastructure/membership.repository.js';
import { OrganizationRepository } from '../infrastructure/organization.repository.js';
import { RoleRepository, type RoleRecord } from '../infrastructure/role.repository.js';

export interface RoleView extends RoleDefinition {
  memberCount: number;
}

function customDefinition(role: RoleRecord): RoleDefinition {
  return {
    id: role.id,
    key: role.key,
    name: role.name,
    description: role.description,
    permissions: role.permissions.filter(isPermission) as Permission[],
    builtIn: false,
  };
}

@Injectable()
export class RolesService {
  constructor(
    private readonly roles: RoleRepository,
    private readonly memberships: MembershipRepository,
    private readonly invitations: InvitationRepository,
    private readonly organizations: OrganizationRepository,
    private readonly references: ReferenceResolver,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /**
   * The role a reference names in this org: a built-in role by key or name, a custom role by id, key or
   * name (ignoring case). Unknown ones are not_found with the closest role names.
   */
  async resolve(orgId: string, reference: string, db?: TransactionClient): Promise<RoleDefinition> {
    const ref = reference.trim();
    const builtIn = builtInRole(ref) ?? BUILT_IN_ROLE_DEFINITIONS.find((r) => r.key === ref.toLowerCase() || r.name.toLowerCase() === ref.toLowerCase());
    if (builtIn) return builtIn;
    const found = await this.references.lookup(orgId, REFERENCE.role, ref, {}, db);
    if ('found' in found) {
      const custom = await this.roles.findById(orgId, found.found.id, db);
      if (custom) return customDefinition(custom);
    }
    if ('ambiguous' in found) throw new AmbiguousReferenceError(REFERENCE.role, ref, found.ambiguous);
    const names = [...BUILT_IN_ROLE_DEFINITIONS.map((r) => r.key), ...(await this.roles.listCustom(orgId, db)).flatMap((r) => [r.name, r.key])];
    throw new ReferenceNotFoundError(REFERENCE.role, ref, closestNames(ref, names));
  }

  // Built-in roles first, then custom roles by id; few enough per org to page in memory.
  async list(principal: Principal, input: { cursor?: string; limit?: number }): Promise<Page<RoleView>> {
    assertPermission(principal, can.list_roles);
    const page = decodeCursor(input);
    const [custom, counts] = await Promise.all([this.roles.listCustom(principal.orgId), this.roles.memberCounts(principal.orgId)]);
    const all = [...BUILT_IN_ROLE_DEFINITIONS, ...custom.sort((a, b) => (a.id < b.id ? -1 : 1)).map(customDefinition)];
    return pageInMemory(all, page, (r) => ({ ...r, memberCount: counts.get(r.key) ?? 0 }));
  }

  async create(principal: Principal, input: { name: string; description?: string; permissions: string[] }): Promise<RoleView> {
    assertPermission(principal, can.create_role);
    const name = displayName(input.name, { max: 50 });
    const key = roleKeyFromName(name);
    const permissions = normalizePermissions(input.permissions);
    const clash = BUILT_IN_ROLE_DEFINITIONS.find((r) => r.key === key || r.name.toLowerCase() === name.toLowerCase());
    if (clash) throw new AlreadyExistsError('role', name, clash.id);
    assertCanGrantRole(principal, { key, permissions });
    const orgId = principal.orgId;
    // Names equal but for case, and names that derive the same key, clash too: more than the unique indexes hold.
    const role = await alreadyExistsOnClash(
      () => this.transactions.run(async (tx) => {
        const existing = await this.roles.findByNameOrKey(orgId, name, key, tx);
        if (existing) throw new AlreadyExistsError('role', name, existing.id);
        const created = await this.roles.create(tx, { orgId, key, name, description: input.description?.trim() ?? '', permissions });
        await this.audit.record(principal, { action: 'role.created', targetType: 'role', targetId: created.id, details: { key, name, permissions } }, tx);
        return created;
      }),
      { resource: 'role', name, find: () => this.roles.findByNameOrKey(orgId, name, key) },
    );
    return { ...customDefinition(role), memberCount: 0 };
  }

  async update(principal: Principal, input: { role: string; name?: string; description?: string; permissions?: string[] }): Promise<RoleView> {
    assertPermission(principal, can.update_role);
    const orgId = principal.orgId;
    const name = input.name === undefined ? undefined : displayName(input.name, { max: 50 });
    const permissions = input.permissions === undefined ? undefined : normalizePermissions(input.permissions);
    const role = await this.transactions.run(async (tx) => {
      await this.organizations.lock(tx, orgId);
      const current = await this.customRole(orgId, input.role, tx);
      // Editing a role changes everyone who holds it: the caller must hold what it allows now and after.
      assertCanGrantRole(principal, customDefinition(current), 'change it');
      if (permissions) assertCanGrantRole(principal, { key: current.key, permissions });
      if (name !== undefined && name.toLowerCase() !== current.name.toLowerCase()) {
        const builtInClash = BUILT_IN_ROLE_DEFINITIONS.find((r) => r.name.toLowerCase() === name.toLowerCase());
        if (builtInClash) throw new AlreadyExistsError('role', name, builtInClash.id);
        const other = await this.roles.findByName(orgId, name, tx);
        if (other && other.id !== current.id) throw new AlreadyExistsError('role', name, other.id);
      }
      const updated = await this.roles.update(tx, current.id, {
        name,
        description: input.description?.trim(),
        permissions,
      });
      await this.audit.record(
        principal,
        {
          action: 'role.updated',
          targetType: 'role',
          targetId: current.id,
          details: { key: current.key, before: { name: current.name, permissions: current.permissions }, after: { name: updated.name, permissions: updated.permissions } },
        },
        tx,
      );
      return updated;
    });
    const counts = await this.roles.memberCounts(orgId);
    return { ...customDefinition(role), memberCount: counts.get(role.key) ?? 0 };
  }

  async delete(principal: Principal, input: { role: string }): Promise<{ deleted: true; id: string; key: string }> {
    assertPermission(principal, can.delete_role);
    const orgId = principal.orgId;
    return this.transactions.run(async (tx) => {
      // The lock keeps an invitation or role change from picking this role up while it is deleted.
      await this.organizations.lock(tx, orgId);
      const role = await this.customRole(orgId, input.role, tx);
      assertCanGrantRole(principal, customDefinition(role), 'delete it');
      const [members, pending] = await Promise.all([
        this.memberships.countWithRole(orgId, role.key, tx),
        this.invitations.countPendingWithRole(orgId, role.key, this.clock.now(), tx),
      ]);
      if (members > 0 || pending > 0) throw new RoleInUseError(role.key, members, pending);
      await this.roles.delete(tx, role.id);
      await this.audit.record(principal, { action: 'role.deleted', targetType: 'role', targetId: role.id, details: { key: role.key, name: role.name } }, tx);
      return { deleted: true as const, id: role.id, key: role.key };
    });
  }

  /** A custom role to change: built-in ones are refused by name too. */
  private async customRole(orgId: string, reference: string, tx: TransactionClient): Promise<RoleRecord> {
    const role = await this.resolve(orgId, reference, tx);
    if (role.builtIn) throw new BuiltInRoleError(role.key);
    const record = await this.roles.findById(orgId, role.id, tx);
    if (!record) throw new NotFoundError('role', reference);
    return record;
  }
}
