import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { decodeCursor, pageInput, pageOutput, toPage, type Principal } from '@app/shared';
import { AccessGrantsService } from '../application/access-grants.service.js';
import { MarketplacesService } from '../application/marketplaces.service.js';
import { ShareSkillUseCase } from '../application/share-skill.use-case.js';
import { ACCESS_ROLES, RESOURCE_TYPES, SUBJECT_TYPES, type AccessRole, type ResourceType, type SubjectType } from '../domain/access.js';
import type { AccessGrantRecord } from '../infrastructure/access-grant.repository.js';
import { CatalogRiskyChanges } from '../application/risky-changes.js';

const marketplaceId = z.string().min(1).max(100).describe('Marketplace id (from list_marketplaces)');
const pluginId = z.string().min(1).max(100).describe('Plugin id (from list_plugins)');
const resourceType = z.enum(RESOURCE_TYPES).describe('What the grant is on: a plugin or a whole marketplace');
const resourceId = z.string().min(1).max(100).describe('Id of that plugin or marketplace');

const marketplaceOutput = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  pluginCount: z.number().int().describe('Published plugins'),
  createdByUserId: z.string(),
  createdAt: z.string(),
});
const publication = z.object({
  marketplaceId: z.string(),
  pluginId: z.string(),
  publishedAt: z.string(),
  alreadyPublished: z.boolean().describe('true when it already was published there; nothing changed'),
});
const grantOutput = z.object({
  id: z.string().describe('Pass to revoke_access to remove it'),
  resourceType: z.string(),
  resourceId: z.string(),
  subjectType: z.string().describe('org (everyone in the organization), team or member'),
  teamId: z.string().nullable(),
  membershipId: z.string().nullable(),
  role: z.string().describe('viewer (see and install), editor (also change the plugin), manager (also share it with teams and members)'),
  createdAt: z.string(),
});

function grantView(g: AccessGrantRecord) {
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

@McpTools({ toolset: 'catalog' })
export class MarketplacesTools {
  constructor(
    private readonly marketplaces: MarketplacesService,
    private readonly access: AccessGrantsService,
    private readonly shareSkill: ShareSkillUseCase,
  ) {}

  @McpTool({
    name: 'list_marketplaces',
    description: 'Lists the organization\'s marketplaces (catalogs that plugins are published to) with their plugin counts.',
    permission: 'catalog:read',
    input: z.object(pageInput),
    output: pageOutput(marketplaceOutput),
    title: 'List marketplaces',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  async listMarketplaces(@CurrentPrincipal() principal: Principal, @ToolInput() input: { cursor?: string; limit: number }) {
    const page = decodeCursor(input);
    return toPage(await this.marketplaces.list(principal, page), page, (m) => ({
      id: m.id,
      name: m.name,
      description: m.description,
      pluginCount: m._count.listings,
      createdByUserId: m.createdByUserId,
      createdAt: m.createdAt.toISOString(),
    }));
  }

  @McpTool({
    name: 'create_marketplace',
    description: 'Creates a marketplace to publish plugins to. An existing name gives already_exists with its id: use that one.',
    permission: 'marketplaces:manage',
    input: z.object({
      name: z.string().min(1).max(100).describe('Unique in the organization, e.g. "Engineering"'),
      description: z.string().max(1024).default('').describe('Who the marketplace is for'),
    }),
    output: marketplaceOutput,
    title: 'Create a marketplace',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  async createMarketplace(@CurrentPrincipal() principal: Principal, @ToolInput() input: { name: string; description: string }) {
    const m = await this.marketplaces.create(principal, input);
    return { id: m.id, name: m.name, description: m.description, pluginCount: 0, createdByUserId: m.createdByUserId, createdAt: m.createdAt.toISOString() };
  }

  @McpTool({
    name: 'publish_plugin',
    description: 'Publishes a plugin in a marketplace; who sees it follows the access grants (grant_access). Publishing again changes nothing.',
    permission: 'marketplaces:manage',
    input: z.object({ marketplaceId, pluginId }),
    output: publication,
    title: 'Publish a plugin',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  async publishPlugin(@CurrentPrincipal() principal: Principal, @ToolInput() input: { marketplaceId: string; pluginId: string }) {
    const r = await this.marketplaces.publish(principal, input.marketplaceId, input.pluginId);
    return { marketplaceId: r.marketplace.id, pluginId: r.plugin.id, publishedAt: r.publishedAt.toISOString(), alreadyPublished: r.alreadyPublished };
  }

  @McpTool({
    name: 'unpublish_plugin',
    description: 'Removes a plugin from a marketplace; people who could install it from there no longer see it. The plugin itself is kept.',
    permission: 'marketplaces:manage',
    input: z.object({ marketplaceId, pluginId }),
    output: z.object({ marketplaceId: z.string(), pluginId: z.string(), unpublished: z.literal(true) }),
    title: 'Unpublish a plugin',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    risk: ({ principal, input, get }) => get(CatalogRiskyChanges).unpublishPlugin(principal, input),
  })
  async unpublishPlugin(@CurrentPrincipal() principal: Principal, @ToolInput() input: { marketplaceId: string; pluginId: string }) {
    const r = await this.marketplaces.unpublish(principal, input.marketplaceId, input.pluginId);
    return { marketplaceId: r.marketplace.id, pluginId: r.plugin.id, unpublished: true as const };
  }

  @McpTool({
    name: 'list_marketplace_plugins',
    description: 'Lists the published plugins you can see and install, in every marketplace or one, with your access role and why.',
    permission: 'catalog:read',
    input: z.object({ marketplaceId: marketplaceId.optional(), ...pageInput }),
    output: pageOutput(
      z.object({
        listingId: z.string(),
        marketplace: z.object({ id: z.string(), name: z.string() }),
        plugin: z.object({ id: z.string(), name: z.string(), description: z.string(), componentCount: z.number().int() }),
        publishedAt: z.string(),
        role: z.string().describe('Your strongest access: viewer, editor or manager'),
        via: z.array(z.string()).describe('Why you have access'),
      }),
    ),
    title: 'List installable plugins',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  async listMarketplacePlugins(@CurrentPrincipal() principal: Principal, @ToolInput() input: { marketplaceId?: string; cursor?: string; limit: number }) {
    const page = decodeCursor(input);
    const { rows, items } = await this.marketplaces.visiblePlugins(principal, page, input.marketplaceId);
    const byId = new Map(items.map((item) => [item.listingId, item]));
    return toPage(rows, page, (row) => {
      const item = byId.get(row.id)!;
      return { ...item, publishedAt: item.publishedAt.toISOString() };
    });
  }

  @McpTool({
    name: 'grant_access',
    description: 'Gives the organization, a team or one member viewer, editor or manager access to a plugin or marketplace. Granting the same subject again changes its role.',
    permission: 'catalog:write',
    input: z.object({
      resourceType,
      resourceId,
      subjectType: z.enum(SUBJECT_TYPES).describe('org: everyone in the organization; team: members of teamId; member: the member membershipId'),
      teamId: z.string().min(1).max(100).optional().describe('Required when subjectType is team (from list_teams)'),
      membershipId: z.string().min(1).max(100).optional().describe('Required when subjectType is member (the member id from list_members)'),
      role: z.enum(ACCESS_ROLES).default('viewer').describe('viewer: see and install; editor: also change the plugin (components, deletion); manager: also share it with teams and members'),
    }),
    output: grantOutput.extend({
      created: z.boolean().describe('false when that subject already had a grant (its role is now the given one)'),
      previousRole: z.string().nullable(),
    }),
    title: 'Grant access',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    risk: ({ principal, input, get }) => get(CatalogRiskyChanges).grantAccess(principal, input),
  })
  async grantAccess(
    @CurrentPrincipal() principal: Principal,
    @ToolInput() input: { resourceType: ResourceType; resourceId: string; subjectType: SubjectType; teamId?: string; membershipId?: string; role: AccessRole },
  ) {
    const r = await this.access.grant(principal, input);
    return { ...grantView(r.grant), created: r.created, previousRole: r.previousRole };
  }

  @McpTool({
    name: 'revoke_access',
    description: 'Removes one access grant (ids from grant_access or list_access_grants). The people it reached lose that access.',
    permission: 'catalog:write',
    input: z.object({ grantId: z.string().min(1).max(100).describe('The grant id') }),
    output: grantOutput.extend({ revoked: z.literal(true) }),
    title: 'Revoke access',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    risk: ({ principal, input, get }) => get(CatalogRiskyChanges).revokeAccess(principal, input),
  })
  async revokeAccess(@CurrentPrincipal() principal: Principal, @ToolInput() input: { grantId: string }) {
    return { ...grantView(await this.access.revoke(principal, input.grantId)), revoked: true as const };
  }

  @McpTool({
    name: 'list_access_grants',
    description: 'Lists who has access to a plugin or a marketplace: each grant\'s subject (organization, team or member) and role.',
    permission: 'catalog:read',
    input: z.object({ resourceType, resourceId, ...pageInput }),
    output: pageOutput(grantOutput.extend({ teamName: z.string().nullable() })),
    title: 'List access grants',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  async listAccessGrants(@CurrentPrincipal() principal: Principal, @ToolInput() input: { resourceType: ResourceType; resourceId: string; cursor?: string; limit: number }) {
    const page = decodeCursor(input);
    return toPage(await this.access.list(principal, input.resourceType, input.resourceId, page), page, (g) => ({ ...grantView(g), teamName: g.team?.name ?? null }));
  }

  @McpTool({
    name: 'share_skill',
    description: 'Shares a skill with the whole organization in one step: a plugin named after it, published in a marketplace (the first one, created if needed), viewer access for everyone. Safe to repeat.',
    permission: 'marketplaces:manage',
    input: z.object({ skillId: z.string().min(1).max(100).describe('The skill to share (from list_skills or create_skill)'), marketplaceId: marketplaceId.optional() }),
    output: z.object({
      skill: z.object({ id: z.string(), name: z.string() }),
      plugin: z.object({ id: z.string(), name: z.string(), created: z.boolean() }),
      marketplace: z.object({ id: z.string(), name: z.string(), created: z.boolean() }),
      componentAdded: z.boolean(),
      published: z.boolean().describe('true when this call published it; false when it already was'),
      grant: z.object({ id: z.string(), role: z.string(), created: z.boolean() }),
      alreadyExisted: z.array(z.string()).describe('The steps that were already done before this call'),
      summary: z.string(),
    }),
    title: 'Share a skill with the organization',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    risk: ({ principal, input, get }) => get(CatalogRiskyChanges).shareSkill(principal, input),
  })
  shareSkillTool(@CurrentPrincipal() principal: Principal, @ToolInput() input: { skillId: string; marketplaceId?: string }) {
    return this.shareSkill.execute(principal, input);
  }
}
