import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import type { Principal } from '@app/shared';
import { OrganizationSettingsService } from '../application/organization-settings.service.js';
import { MemberRiskyChanges } from '../application/risky-changes.js';
import { organizationSchema } from './schemas.js';
import { memberPermissions as can } from '../members.permissions.js';

const domainList = z.array(z.string().min(1).max(253)).max(100);

const updateOrganizationInput = z.object({
  name: z.string().min(1).max(100).optional().describe('New display name of the organization (1-100 characters); the slug does not change'),
  confirmRiskyChanges: z
    .enum(['always', 'never'])
    .optional()
    .describe('always (default): risky changes wait for the person to confirm them; never: they run at once. Lowering to never is confirmed only on the browser approval page'),
});

const updateDomainsInput = z.object({
  add: domainList.optional().describe('Domains to allow in addition to the current list, e.g. ["example.com"]'),
  remove: domainList.optional().describe('Domains to take off the list'),
  set: domainList.optional().describe('Replace the whole list with these domains; [] allows invitations to any domain'),
});

@McpTools({ toolset: 'people' })
export class OrganizationTools {
  constructor(private readonly settings: OrganizationSettingsService) {}

  @McpTool({
    name: 'get_organization',
    description: 'Shows the organization: name, plan, seats used and available, billing rule and URL, allowed email domains. Check it before inviting people.',
    permission: can.get_organization,
    input: z.object({}),
    output: organizationSchema,
    title: 'Get organization',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  get(@CurrentPrincipal() principal: Principal) {
    return this.settings.get(principal);
  }

  @McpTool({
    name: 'update_organization',
    description: 'Renames the organization (the slug does not change) or sets confirmRiskyChanges: raising it to always takes effect at once; lowering it to never is confirmed only on the browser approval page.',
    permission: can.update_organization,
    input: updateOrganizationInput,
    output: organizationSchema,
    title: 'Update organization',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    risk: ({ principal, input, get }) => get(MemberRiskyChanges).updateOrganization(principal, input),
  })
  update(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof updateOrganizationInput>) {
    return this.settings.update(principal, input);
  }

  @McpTool({
    name: 'update_allowed_email_domains',
    description: 'Changes which email domains invite_member accepts (an empty list allows any). Use add to allow one more domain without touching the others.',
    permission: can.update_allowed_email_domains,
    input: updateDomainsInput,
    output: organizationSchema,
    title: 'Update allowed email domains',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    risk: ({ principal, input, get }) => get(MemberRiskyChanges).updateAllowedEmailDomains(principal, input),
  })
  updateDomains(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof updateDomainsInput>) {
    return this.settings.updateAllowedEmailDomains(principal, input);
  }
}
