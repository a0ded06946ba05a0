import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { pageInput, pageOutput, type Principal } from '@app/shared';
import { MarketplacesService } from '../application/marketplaces.service.js';
import { marketplacePermissions as can } from '../marketplaces.permissions.js';
import { marketplaceRef, pluginRef } from './references.js';

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
  name: z.string().min(1).max(100).describe('Unique in the organization, e.g. "Engineering"'),
  description: z.string().max(1024).default('').describe('Who the marketplace is for'),
});
const listingInput = z.object({ ...marketplaceRef, ...pluginRef });
const visiblePluginsInput = z.object({ ...marketplaceRef, ...pageInput });

@McpTools()
export class MarketplacesTools {
  constructor(private readonly marketplaces: MarketplacesService) {}

  @McpTool({
    name: 'list_marketplaces',
    description: 'Lists the organization\'s marketplaces (catalogs that plugins are published to) with their plugin counts.',
    permission: can.list_marketplaces,
    input: listInput,
    output: pageOutput(marketplaceSchema),
    annotations: { title: 'List marketplaces', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  list(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof listInput>) {
    return this.marketplaces.list(principal, input);
  }

  @McpTool({
    name: 'create_marketplace',
    description:
      'Creates a marketplace to publish plugins to (owners and admins). An existing name gives already_exists with its id — use that one.',
    permission: can.create_marketplace,
    input: createInput,
    output: marketplaceSchema,
    annotations: { title: 'Create a marketplace', readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  create(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof createInput>) {
    return this.marketplaces.create(principal, input);
  }

  @McpTool({
    name: 'publish_plugin',
    description:
      'Publishes a plugin in a marketplace. Who can then see and install it follows the access grants on the plugin or the marketplace ' +
      '(grant_access); publishing again changes nothing.',
    permission: can.publish_plugin,
    input: listingInput,
    output: publication,
    annotations: { title: 'Publish a plugin', readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  publish(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof listingInput>) {
    return this.marketplaces.publish(principal, input);
  }

  @McpTool({
    name: 'unpublish_plugin',
    description: 'Removes a plugin from a marketplace; people who could install it from there no longer see it. The plugin itself is kept.',
    permission: can.unpublish_plugin,
    input: listingInput,
    output: z.object({ marketplaceId: z.string(), pluginId: z.string(), unpublished: z.literal(true) }),
    annotations: { title: 'Unpublish a plugin', readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  })
  unpublish(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof listingInput>) {
    return this.marketplaces.unpublish(principal, input);
  }

  @McpTool({
    name: 'list_marketplace_plugins',
    description:
      'Lists the published plugins YOU can see and install, across marketplaces or in one: those shared with the whole organization, ' +
      'with one of your teams or with you, and those you created (owners and admins see all). Each item says your access role and why.',
    permission: can.list_marketplace_plugins,
    input: visiblePluginsInput,
    output: pageOutput(listingSchema),
    annotations: { title: 'List installable plugins', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  listVisiblePlugins(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof visiblePluginsInput>) {
    return this.marketplaces.visiblePlugins(principal, input);
  }
}
