import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import type { Principal } from '@app/shared';
import { OrganizationSettingsService } from '../application/organization-settings.service.js';
import { organizationSchema } from './schemas.js';
import { memberPermissions as can } from '../members.permissions.js';

const domainList = z.array(z.string().min(1).max(253)).max(100);

const updateOrganizationInput = z.object({
  name: z.string().min(1).max(100).optional().describe('New display name of the organization (1-100 characters); the slug does not change'),
});

const updateDomainsInput = z.object({
  add: domainList.optional().describe('Domains to allow in addition to the current list, e.g. ["example.com"]'),
  remove: domainList.optional().describe('Domains to take off the list'),
  set: domainList.optional().describe('Replace the whole list with these domains; [] allows invitations to any domain'),
});

@McpTools()
export class OrganizationTools {
  constructor(private readonly settings: OrganizationSettingsService) {}

  @McpTool({
    name: 'get_organization',
    description:
      'Shows the organization this connection manages: name, plan, seat limit, seats used (active members plus pending ' +
      'invitations) and seats available, the billing rule and URL, and the allowed email domains for invitations. ' +
      'Check it before inviting people.',
    permission: can.get_organization,
    input: z.object({}),
    output: organizationSchema,
    annotations: { title: 'Get organization', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  get(@CurrentPrincipal() principal: Principal) {
    return this.settings.get(principal);
  }

  @McpTool({
    name: 'update_organization',
    description: 'Renames the organization. Needs the org:manage permission (owners and admins). Returns the updated organization.',
    permission: can.update_organization,
    input: updateOrganizationInput,
    output: organizationSchema,
    annotations: { title: 'Update organization', readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  update(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof updateOrganizationInput>) {
    return this.settings.update(principal, input);
  }

  @McpTool({
    name: 'update_allowed_email_domains',
    description:
      'Changes which email domains may be invited. When the list is non-empty, invite_member refuses other domains ' +
      '(error email_domain_not_allowed); an empty list allows any domain. Use add to allow one more domain without ' +
      'touching the others. Existing members are not affected. Needs org:manage (owners and admins).',
    permission: can.update_allowed_email_domains,
    input: updateDomainsInput,
    output: organizationSchema,
    annotations: { title: 'Update allowed email domains', readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  updateDomains(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof updateDomainsInput>) {
    return this.settings.updateAllowedEmailDomains(principal, input);
  }
}
