import { Injectable } from '@nestjs/common';
import { assertPermission } from '@app/access';
import { PluginsService } from '@app/plugins';
import { AuditLog, NotFoundError, type PageRequest, type Principal, type TransactionClient } from '@app/shared';
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
import { MarketplacesService } from './marketplaces.service.js';

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
    private readonly audit: AuditLog,
  ) {}

  async grant(
    principal: Principal,
    input: { resourceType: ResourceType; resourceId: string; subjectType: SubjectType; teamId?: string; membershipId?: string; role: AccessRole },
  ) {
    assertPermission(principal, 'catalog:write');
    const subject = toSubject(input);
    const resource = await this.resource(principal.orgId, input.resourceType, input.resourceId);
    await this.assertMayShare(principal, resource, subject);
    if (subject.type === 'team' && !(await this.grants.teamExists(principal.orgId, subject.teamId))) {
      throw new NotFoundError('team', subject.teamId, 'Call list_teams to find a valid team id.');
    }
    if (subject.type === 'member' && !(await this.grants.membershipExists(principal.orgId, subject.membershipId))) {
      throw new NotFoundError('member', subject.membershipId, 'Call list_members to find a valid membership id.');
    }
    return this.grants.transaction((tx) => this.upsert(principal, resource, subject, input.role, tx));
  }

  async revoke(principal: Principal, grantId: string): Promise<AccessGrantRecord> {
    assertPermission(principal, 'catalog:write');
    const grant = await this.grants.find(principal.orgId, grantId);
    if (!grant) throw new NotFoundError('access grant', grantId, 'Call list_access_grants for the resource to find the grant id.');
    const resource = grant.pluginId
      ? await this.resource(principal.orgId, 'plugin', grant.pluginId)
      : await this.resource(principal.orgId, 'marketplace', grant.marketplaceId!);
    await this.assertMayShare(principal, resource, grant.subjectType === 'org' ? { type: 'org' } : grant.subjectType === 'team' ? { type: 'team', teamId: grant.teamId! } : { type: 'member', membershipId: grant.membershipId! });
    await this.grants.transaction(async (tx) => {
      await this.grants.delete(principal.orgId, grant.id, tx);
      await this.audit.record(principal, { action: 'access.revoked', targetType: resource.type, targetId: resource.id, details: { grantId: grant.id, subjectType: grant.subjectType, teamId: grant.teamId, membershipId: grant.membershipId, role: grant.role } }, tx);
    });
    return grant;
  }

  async list(principal: Principal, resourceType: ResourceType, resourceId: string, page: PageRequest) {
    assertPermission(principal, 'catalog:read');
    const resource = await this.resource(principal.orgId, resourceType, resourceId);
    return this.grants.list(principal.orgId, resource, page);
  }

  /** share_skill's step: an org-wide grant on the plugin, unless one (of any role) exists already. */
  async ensureOrgWide(principal: Principal, pluginId: string, role: AccessRole, tx: TransactionClient) {
    const resource = await this.resource(principal.orgId, 'plugin', pluginId, tx);
    await this.assertMayShare(principal, resource, { type: 'org' });
    await this.grants.lockResource(resource, tx);
    const existing = await this.grants.findFor(principal.orgId, resource, { type: 'org' }, tx);
    if (existing) return { grant: existing, created: false };
    return this.upsert(principal, resource, { type: 'org' }, role, tx);
  }

  private async upsert(principal: Principal, resource: Resource, subject: Subject, role: AccessRole, tx: TransactionClient) {
    await this.grants.lockResource(resource, tx);
    const existing = await this.grants.findFor(principal.orgId, resource, subject, tx);
    if (existing && existing.role === role) return { grant: existing, created: false, previousRole: role };
    const grant = existing
      ? await this.grants.updateRole(existing.id, role, tx)
      : await this.grants.create({ orgId: principal.orgId, resource, subject, role, userId: principal.userId }, tx);
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
