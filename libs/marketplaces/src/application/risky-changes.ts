import { Injectable } from '@nestjs/common';
import type { RiskyChange } from '@app/access';
import { PluginsService } from '@app/plugins';
import { pickOptionalReference, pickReference, type Principal } from '@app/shared';
import { ConfigObjectsService, SKILL_KIND } from '@app/skills';
import type { ResourceType, SubjectType } from '../domain/access.js';
import { AccessGrantRepository } from '../infrastructure/access-grant.repository.js';
import { MarketplacesService } from './marketplaces.service.js';

/** Catalog changes that widen or narrow who sees things org-wide, or take a plugin off a marketplace. */
@Injectable()
export class CatalogRiskyChanges {
  constructor(
    private readonly grants: AccessGrantRepository,
    private readonly marketplaces: MarketplacesService,
    private readonly plugins: PluginsService,
    private readonly skills: ConfigObjectsService,
  ) {}

  async unpublishPlugin(principal: Principal, input: { marketplace?: string; marketplaceId?: string; plugin?: string; pluginId?: string }): Promise<RiskyChange> {
    // Both references are read before either lookup starts: a missing one must not leave the other running.
    const marketplaceRef = pickReference(input, 'marketplace', 'marketplaceId');
    const pluginRef = pickReference(input, 'plugin', 'pluginId');
    const [marketplace, plugin] = await Promise.all([this.marketplaces.require(principal.orgId, marketplaceRef), this.plugins.require(principal.orgId, pluginRef)]);
    return {
      summary: `Unpublish the plugin "${plugin.name}" from the marketplace "${marketplace.name}": people who installed it from there no longer see it. The plugin itself is kept.`,
      resolved: { marketplaceId: marketplace.id, pluginId: plugin.id },
    };
  }

  async grantAccess(principal: Principal, input: { resourceType: ResourceType; resource?: string; resourceId?: string; subjectType: SubjectType; role: string }): Promise<RiskyChange | null> {
    if (input.subjectType !== 'org') return null;
    const resource = await this.resource(principal, input.resourceType, pickReference(input, 'resource', 'resourceId'));
    return {
      summary: `Give everyone in ${principal.organization.name} ${input.role} access to the ${input.resourceType} "${resource.name}".`,
      resolved: { resourceType: input.resourceType, resourceId: resource.id, subjectType: 'org', role: input.role },
    };
  }

  async revokeAccess(principal: Principal, input: { grantId: string }): Promise<RiskyChange | null> {
    const grant = await this.grants.find(principal.orgId, input.grantId);
    if (!grant || grant.subjectType !== 'org') return null;
    const type: ResourceType = grant.pluginId ? 'plugin' : 'marketplace';
    const resource = await this.resource(principal, type, (grant.pluginId ?? grant.marketplaceId)!);
    return {
      summary: `Take away the ${grant.role} access everyone in ${principal.organization.name} has to the ${type} "${resource.name}".`,
      resolved: { grantId: grant.id },
    };
  }

  async shareSkill(principal: Principal, input: { skill?: string; skillId?: string; marketplace?: string; marketplaceId?: string }): Promise<RiskyChange> {
    const skill = await this.skills.findForOrg(principal.orgId, { reference: pickReference(input, 'skill', 'skillId') }, SKILL_KIND);
    const marketplaceRef = pickOptionalReference(input, 'marketplace', 'marketplaceId');
    const marketplace = marketplaceRef === undefined ? null : await this.marketplaces.require(principal.orgId, marketplaceRef);
    return {
      summary:
        `Share the skill "${skill.name}" with everyone in ${principal.organization.name}: it is published as a plugin in ` +
        `${marketplace ? `the marketplace "${marketplace.name}"` : "the organization's default marketplace"} and every member gets viewer access.`,
      resolved: { skillId: skill.id, marketplaceId: marketplace?.id ?? null },
    };
  }

  private resource(principal: Principal, type: ResourceType, id: string): Promise<{ id: string; name: string }> {
    return type === 'plugin' ? this.plugins.require(principal.orgId, id) : this.marketplaces.require(principal.orgId, id);
  }
}
