import { Injectable } from '@nestjs/common';
import { assertPermission } from '@app/access';
import { PluginsService } from '@app/plugins';
import { AuditLog, isUniqueViolation, pickOptionalReference, pickReference, TransactionRunner, type Principal } from '@app/shared';
import { ConfigObjectsService, SKILL_KIND, type ConfigObjectRecord } from '@app/skills';
import type { MarketplaceRecord } from '../infrastructure/marketplace.repository.js';
import { marketplacePermissions as can } from '../marketplaces.permissions.js';
import { AccessGrantsService } from './access-grants.service.js';
import { MarketplacesService } from './marketplaces.service.js';

export interface ShareSkillResult {
  skill: { id: string; name: string };
  plugin: { id: string; name: string; created: boolean };
  marketplace: { id: string; name: string; created: boolean };
  componentAdded: boolean;
  published: boolean;
  grant: { id: string; role: string; created: boolean };
  alreadyExisted: string[];
  summary: string;
}

/**
 * "Share this skill with my whole organization" in one idempotent step: a plugin named after the
 * skill, the skill attached, the plugin published, an org-wide viewer grant. Each step reuses what
 * already exists, so a retry creates nothing twice.
 */
@Injectable()
export class ShareSkillUseCase {
  constructor(
    private readonly skills: ConfigObjectsService,
    private readonly plugins: PluginsService,
    private readonly marketplaces: MarketplacesService,
    private readonly grants: AccessGrantsService,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditLog,
  ) {}

  async execute(principal: Principal, input: { skill?: string; skillId?: string; marketplace?: string; marketplaceId?: string }): Promise<ShareSkillResult> {
    assertPermission(principal, can.share_skill);
    const skill = await this.skills.findForOrg(principal.orgId, { reference: pickReference(input, 'skill', 'skillId') }, SKILL_KIND);
    const marketplace = pickOptionalReference(input, 'marketplace', 'marketplaceId');
    const given = marketplace === undefined ? null : await this.marketplaces.require(principal.orgId, marketplace);

    // A concurrent share of the same skill can win a unique index (plugin, listing, default marketplace)
    // between our read and our write; the retry then finds its rows and reuses them.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.share(principal, skill, given);
      } catch (error) {
        if (attempt >= 3 || !isUniqueViolation(error)) throw error;
      }
    }
  }

  private share(principal: Principal, skill: ConfigObjectRecord, given: MarketplaceRecord | null): Promise<ShareSkillResult> {
    return this.transactions.run(async (tx) => {
      const plugin = await this.plugins.ensure(principal, { name: skill.name, description: skill.description }, tx);
      const component = await this.plugins.ensureComponent(principal, plugin.plugin, skill, tx);
      const marketplace = given ? { marketplace: given, created: false } : await this.marketplaces.ensureDefault(principal, tx);
      const listing = await this.marketplaces.ensureListing(principal, marketplace.marketplace, plugin.plugin, tx);
      const grant = await this.grants.ensureOrgWide(principal, plugin.plugin.id, 'viewer', tx);

      const alreadyExisted = [
        !plugin.created && `plugin "${plugin.plugin.name}"`,
        !component.created && 'the skill as a component of the plugin',
        !marketplace.created && `marketplace "${marketplace.marketplace.name}"`,
        !listing.created && 'the plugin\'s listing in the marketplace',
        !grant.created && `an organization-wide ${grant.grant.role} grant`,
      ].filter((x): x is string => Boolean(x));
      const changed = plugin.created || component.created || marketplace.created || listing.created || grant.created;
      if (changed) {
        await this.audit.record(principal, { action: 'skill.shared', targetType: 'skill', targetId: skill.id, details: { pluginId: plugin.plugin.id, marketplaceId: marketplace.marketplace.id, grantId: grant.grant.id } }, tx);
      }
      const summary = changed
        ? `Skill "${skill.name}" is shared with the whole organization through plugin "${plugin.plugin.name}" in marketplace "${marketplace.marketplace.name}".` +
          (alreadyExisted.length ? ` Reused what already existed: ${alreadyExisted.join('; ')}.` : '')
        : `Nothing to do: skill "${skill.name}" was already shared with the whole organization through plugin "${plugin.plugin.name}" in marketplace "${marketplace.marketplace.name}".`;
      return {
        skill: { id: skill.id, name: skill.name },
        plugin: { id: plugin.plugin.id, name: plugin.plugin.name, created: plugin.created },
        marketplace: { id: marketplace.marketplace.id, name: marketplace.marketplace.name, created: marketplace.created },
        componentAdded: component.created,
        published: listing.created,
        grant: { id: grant.grant.id, role: grant.grant.role, created: grant.created },
        alreadyExisted,
        summary,
      };
    });
  }
}
