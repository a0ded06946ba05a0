import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { legacyIdField, pageInput, pageOutput, referenceField, requiredReference, type Principal } from '@app/shared';
import { AccessGrantsService } from '../application/access-grants.service.js';
import { ACCESS_ROLES, RESOURCE_TYPES, SUBJECT_TYPES } from '../domain/access.js';
import { marketplacePermissions as can } from '../marketplaces.permissions.js';
import { CatalogRiskyChanges } from '../application/risky-changes.js';

const resourceType = z.enum(RESOURCE_TYPES).describe('A plugin or a whole marketplace');
const resourceRef = {
  resource: requiredReference('Plugin or marketplace name or id'),
  resourceId: legacyIdField('resource'),
};
const grantSchema = z.object({
  id: z.string().describe('Pass to revoke_access to remove it'),
  resourceType: z.string(),
  resourceId: z.string(),
  subjectType: z.string().describe('org (everyone in the organization), team or member'),
  teamId: z.string().nullable(),
  membershipId: z.string().nullable(),
  role: z.string().describe('viewer (see and install), editor (also change the plugin), manager (also share it with teams and members)'),
  createdAt: z.string(),
});

const grantInput = z.object({
  resourceType,
  ...resourceRef,
  subjectType: z.enum(SUBJECT_TYPES).describe('org (everyone), team or member'),
  team: referenceField('Team name or id').optional(),
  teamId: legacyIdField('team'),
  member: referenceField('Member email, name or id').optional(),
  membershipId: legacyIdField('member'),
  role: z.enum(ACCESS_ROLES).default('viewer').describe('viewer (install), editor (change), manager (share)'),
});
const revokeInput = z.object({ grantId: z.string().min(1).max(100).describe('The grant id') });
const listInput = z.object({ resourceType, ...resourceRef, ...pageInput });

@McpTools({ toolset: 'catalog' })
export class AccessGrantsTools {
  constructor(private readonly access: AccessGrantsService) {}

  @McpTool({
    name: 'grant_access',
    description: 'Gives everyone, a team or a member a role on a plugin or marketplace.',
    permission: can.grant_access,
    input: grantInput,
    output: grantSchema.extend({
      created: z.boolean().describe('false when that subject already had a grant (its role is now the given one)'),
      previousRole: z.string().nullable(),
    }),
    title: 'Grant access',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    risk: ({ principal, input, get }) => get(CatalogRiskyChanges).grantAccess(principal, input),
  })
  grant(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof grantInput>) {
    return this.access.grant(principal, input);
  }

  @McpTool({
    name: 'revoke_access',
    description: 'Removes one access grant (an id from list_access_grants).',
    permission: can.revoke_access,
    input: revokeInput,
    output: grantSchema.extend({ revoked: z.literal(true) }),
    title: 'Revoke access',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    risk: ({ principal, input, get }) => get(CatalogRiskyChanges).revokeAccess(principal, input),
  })
  revoke(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof revokeInput>) {
    return this.access.revoke(principal, input);
  }

  @McpTool({
    name: 'list_access_grants',
    description: 'Lists who has access to a plugin or marketplace, with each grant\'s role.',
    permission: can.list_access_grants,
    input: listInput,
    output: pageOutput(grantSchema.extend({ teamName: z.string().nullable() })),
    title: 'List access grants',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  list(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof listInput>) {
    return this.access.list(principal, input);
  }
}
