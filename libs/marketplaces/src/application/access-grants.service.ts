import { Injectable } from '@nestjs/common';
import { assertPermission } from '@app/access';
import { PluginsService } from '@app/plugins';
import { AuditLog, decodeCursor, NotFoundError, pickOptionalReference, pickReference, REFERENCE, ReferenceResolver, toPage, TransactionRunner, type Page, type Principal, type TransactionClient } from '@app/shared';
import {
  OrgWideGrantDeniedError,
  ResourceManagementDeniedError,
  toSubject,
  type AccessRole,
  type ResourceType,
  type Subject,
  type SubjectType,
} from '../domain/access.js';
import { AccessGrantRepository, type AccessGrantRecord } from '../infrastructure/access-grant.repository.js';
import { marketplacePermissions as can } from '../marketplaces.permissions.js';
import { MarketplacesService } from './marketplaces.service.js';

export interface AccessGrantView {
  id: string;
  resourceType: string;
  resourceId: string;
  subjectType: string;
  teamId: string | null;
  membershipId: string | null;
  role: string;
  createdAt: string;
}

function grantView(g: AccessGrantRecord): AccessGrantView {
  return {
    id: g.id,
    resourceType: g.resourceType,
    resourceId: (g.pluginId ?? g.marketplaceId)!,
    subjectType: g.subjectType,
    teamId: g.teamId,
    membershipId: g.membershipId,
    role: g.role,
    createdAt: g.createdAt.toISOString(),
  };
}

type ResourceInput = { resourceType: ResourceType; resource?: string; resourceId?: string };

interface Resource {
  type: ResourceType;
  id: string;
  name: string;
  createdByUserId: string;
}

@Injectable()
export class AccessGrantsService {
  constructor(
    private readonly grants: AccessGrantRepository,
    private readonly plugins: PluginsService,
    private readonly marketplaces: MarketplacesService,
    private readonly references: ReferenceResolver,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditLog,
  ) {}

  async grant(
    principal: Principal,
    input: ResourceInput & { subjectType: SubjectType; team?: string; teamId?: string; member?: string; membershipId?: string; role: AccessRole },
  ): Promise<AccessGrantView & { created: boolean; previousRole: string | null }> {
    assertPermission(principal, can.grant_access);
    const named = toSubject(
      { subjectType: input.subjectType, team: pickOptionalReference(input, 'team', 'teamId'), member: pickOptionalReference(input, 'member', 'membershipId') },
      { team: input.team === undefined && input.teamId !== undefined ? 'teamId' : 'team', member: input.member === undefined && input.membershipId !== undefined ? 'membershipId' : 'member' },
    );
    const resource = await this.resource(principal.orgId, input.resourceType, pickReference(input, 'resource', 'resourceId'));
    await this.assertMayShare(principal, resource, named);
    // The subject's name becomes its id only now, so a refusal above says nothing about who exists.
    const subject: Subject =
      named.type === 'team'
        ? { type: 'team', teamId: (await this.references.resolve(principal.orgId, REFERENCE.team, named.teamId)).id }
        : named.type === 'member'
          ? { type: 'member', membershipId: (await this.references.resolve(principal.orgId, REFERENCE.member, named.membershipId)).id }
          : named;
    const result = await this.transactions.run((tx) => this.upsert(principal, resource, subject, input.role, tx));
    return { ...grantView(result.grant), created: result.created, previousRole: result.previousRole };
  }

  async revoke(principal: Principal, input: { grantId: string }): Promise<AccessGrantView & { revoked: true }> {
    assertPermission(principal, can.revoke_access);
    const grant = await this.grants.find(principal.orgId, input.grantId);
    if (!grant) throw new NotFoundError('access grant', input.grantId, 'Call list_access_grants for the resource to find the grant id.');
    const resource = grant.pluginId
      ? await this.resource(principal.orgId, 'plugin', grant.pluginId)
      : await this.resource(principal.orgId, 'marketplace', grant.marketplaceId!);
    await this.assertMayShare(principal, resource, grant.subjectType === 'org' ? { type: 'org' } : grant.subjectType === 'team' ? { type: 'team', teamId: grant.teamId! } : { type: 'member', membershipId: grant.membershipId! });
    await this.transactions.run(async (tx) => {
      await this.grants.delete(tx, principal.orgId, grant.id);
      await this.audit.record(principal, { action: 'access.revoked', targetType: resource.type, targetId: resource.id, details: { grantId: grant.id, subjectType: grant.subjectType, teamId: grant.teamId, membershipId: grant.membershipId, role: grant.role } }, tx);
    });
    return { ...grantView(grant), revoked: true };
  }

  async list(
    principal: Principal,
    input: ResourceInput & { cursor?: string; limit?: number },
  ): Promise<Page<AccessGrantView & { teamName: string | null }>> {
    assertPermission(principal, can.list_access_grants);
    const page = decodeCursor(input);
    const resource = await this.resource(principal.orgId, input.resourceType, pickReference(input, 'resource', 'resourceId'));
    return toPage(await this.grants.list(principal.orgId, resource, page), page, (g) => ({ ...grantView(g), teamName: g.team?.name ?? null }));
  }

  // A step of share_skill; the use case that runs it has checked its permission.
  /** share_skill's step: an org-wide grant on the plugin, unless one (of any role) exists already. */
  async ensureOrgWide(principal: Principal, pluginId: string, role: AccessRole, tx: TransactionClient) {
    const resource = await this.resource(principal.orgId, 'plugin', pluginId, tx);
    await this.assertMayShare(principal, resource, { type: 'org' });
    await this.grants.lockResource(tx, resource);
    const existing = await this.grants.findFor(principal.orgId, resource, { type: 'org' }, tx);
    if (existing) return { grant: existing, created: false };
    return this.upsert(principal, resource, { type: 'org' }, role, tx);
  }

  private async upsert(principal: Principal, resource: Resource, subject: Subject, role: AccessRole, tx: TransactionClient) {
    await this.grants.lockResource(tx, resource);
    const existing = await this.grants.findFor(principal.orgId, resource, subject, tx);
    if (existing && existing.role === role) return { grant: existing, created: false, previousRole: role };
    const grant = existing
      ? await this.grants.updateRole(tx, existing.id, role)
      : await this.grants.create(tx, { orgId: principal.orgId, resource, subject, role, userId: principal.userId });
    await this.audit.record(principal, {
      action: 'access.granted',
      targetType: resource.type,
      targetId: resource.id,
      details: { grantId: grant.id, subjectType: subject.type, teamId: grant.teamId, membershipId: grant.membershipId, role, previousRole: existing?.role ?? null },
    }, tx);
    return { grant, created: !existing, previousRole: existing?.role ?? null };
  }

  // Org-wide sharing is an admin decision; narrower sharing is also open to the resource's creator and managers.
  private async assertMayShare(principal: Principal, resource: Resource, subject: Subject): Promise<void> {
    if (principal.permissions.has('marketplaces:manage')) return;
    if (subject.type === 'org') throw new OrgWideGrantDeniedError(principal.role);
    if (resource.createdByUserId === principal.userId) return;
    const reaching = await this.grants.reaching(principal.orgId, principal.membershipId, {
      pluginIds: resource.type === 'plugin' ? [resource.id] : [],
      marketplaceIds: resource.type === 'marketplace' ? [resource.id] : [],
    });
    if (!reaching.some((g) => g.role === 'manager')) throw new ResourceManagementDeniedError(resource.type, resource.id, principal.role);
  }

  private async resource(orgId: string, type: ResourceType, id: string, db?: TransactionClient): Promise<Resource> {
    const row = type === 'plugin' ? await this.plugins.require(orgId, id, db) : await this.marketplaces.require(orgId, id, db);
    return { type, id: row.id, name: row.name, createdByUserId: row.createdByUserId };
  }
}
