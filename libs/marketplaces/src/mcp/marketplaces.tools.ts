import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { pageInput, pageOutput, type Principal } from '@app/shared';
import { MarketplacesService } from '../application/marketplaces.service.js';
import { marketplacePermissions as can } from '../marketplaces.permissions.js';
import { marketplaceRef, optionalMarketplaceRef, pluginRef } from './references.js';
import { CatalogRiskyChanges } from '../application/risky-changes.js';

const marketplaceSchema = z.object({
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
const listingSchema = z.object({
  listingId: z.string(),
  marketplace: z.object({ id: z.string(), name: z.string() }),
  plugin: z.object({ id: z.string(), name: z.string(), description: z.string(), componentCount: z.number().int() }),
  publishedAt: z.string(),
  role: z.string().describe('Your strongest access: viewer, editor or manager'),
  via: z.array(z.string()).describe('Why you have access'),
});

const listInput = z.object(pageInput);
const createInput = z.object({
  name: z.string().min(1).max(100).describe('Unique name, e.g. "Engineering"'),
  description: z.string().max(1024).default('').describe('Who it is for'),
});
const listingInput = z.object({ ...marketplaceRef, ...pluginRef });
const visiblePluginsInput = z.object({ ...optionalMarketplaceRef, ...pageInput });

@McpTools({ toolset: 'catalog' })
export class MarketplacesTools {
  constructor(private readonly marketplaces: MarketplacesService) {}

  @McpTool({
    name: 'list_marketplaces',
    description: 'Lists marketplaces (catalogs plugins are published to) with plugin counts.',
    permission: can.list_marketplaces,
    input: listInput,
    output: pageOutput(marketplaceSchema),
    title: 'List marketplaces',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  list(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof listInput>) {
    return this.marketplaces.list(principal, input);
  }

  @McpTool({
    name: 'create_marketplace',
    description: 'Creates a marketplace to publish plugins to; names are unique.',
    permission: can.create_marketplace,
    input: createInput,
    output: marketplaceSchema,
    title: 'Create marketplace',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  create(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof createInput>) {
    return this.marketplaces.create(principal, input);
  }

  @McpTool({
    name: 'publish_plugin',
    description: 'Publishes a plugin in a marketplace; access grants decide who sees it.',
    permission: can.publish_plugin,
    input: listingInput,
    output: publication,
    title: 'Publish plugin',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  publish(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof listingInput>) {
    return this.marketplaces.publish(principal, input);
  }

  @McpTool({
    name: 'unpublish_plugin',
    description: 'Takes a plugin out of a marketplace; the plugin is kept.',
    permission: can.unpublish_plugin,
    input: listingInput,
    output: z.object({ marketplaceId: z.string(), pluginId: z.string(), unpublished: z.literal(true) }),
    title: 'Unpublish plugin',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    risk: ({ principal, input, get }) => get(CatalogRiskyChanges).unpublishPlugin(principal, input),
  })
  unpublish(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof listingInput>) {
    return this.marketplaces.unpublish(principal, input);
  }

  @McpTool({
    name: 'list_marketplace_plugins',
    description: 'Lists the published plugins you can install, with your access role and why.',
    permission: can.list_marketplace_plugins,
    input: visiblePluginsInput,
    output: pageOutput(listingSchema),
    title: 'List installable plugins',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  listVisiblePlugins(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof visiblePluginsInput>) {
    return this.marketplaces.visiblePlugins(principal, input);
  }
}
