import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import type { Principal } from '@app/shared';
import { OrganizationSettingsService } from '../application/organization-settings.service.js';
import { MemberRiskyChanges } from '../application/risky-changes.js';
import { organizationSchema } from './schemas.js';
import { memberPermissions as can } from '../members.permissions.js';

const domainList = z.array(z.string().min(1).max(253)).max(100);

const updateOrganizationInput = z.object({
  name: z.string().min(1).max(100).optional().describe('New name (the slug stays)'),
  confirmRiskyChanges: z
    .enum(['always', 'never'])
    .optional()
    .describe('always: risky changes wait for the person'),
});

const updateDomainsInput = z.object({
  add: domainList.optional().describe('Domains to add'),
  remove: domainList.optional().describe('Domains to take off the list'),
  set: domainList.optional().describe('Replaces the list; [] allows any domain'),
});

@McpTools({ toolset: 'people' })
export class OrganizationTools {
  constructor(private readonly settings: OrganizationSettingsService) {}

  @McpTool({
    name: 'get_organization',
    description: 'Shows the organization: plan, seats used and free, billing, allowed email domains.',
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
    description: 'Renames the organization or sets confirmRiskyChanges (lowering it needs the browser).',
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
    description: 'Changes which email domains invitations may go to (an empty list allows any).',
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
