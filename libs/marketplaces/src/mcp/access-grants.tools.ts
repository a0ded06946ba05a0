import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { legacyIdField, pageInput, pageOutput, referenceField, requiredReference, type Principal } from '@app/shared';
import { AccessGrantsService } from '../application/access-grants.service.js';
import { ACCESS_ROLES, RESOURCE_TYPES, SUBJECT_TYPES } from '../domain/access.js';
import { marketplacePermissions as can } from '../marketplaces.permissions.js';
import { CatalogRiskyChanges } from '../application/risky-changes.js';

const resourceType = z.enum(RESOURCE_TYPES).describe('What the grant is on: a plugin or a whole marketplace');
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
  subjectType: z.enum(SUBJECT_TYPES).describe('org: everyone in the organization; team: the members of team; member: that member'),
  team: referenceField('With subjectType team: team name or id').optional(),
  teamId: legacyIdField('team'),
  member: referenceField('With subjectType member: email, name or id').optional(),
  membershipId: legacyIdField('member'),
  role: z.enum(ACCESS_ROLES).default('viewer').describe('viewer: see and install; editor: also change the plugin (components, deletion); manager: also share it with teams and members'),
});
const revokeInput = z.object({ grantId: z.string().min(1).max(100).describe('The grant id') });
const listInput = z.object({ resourceType, ...resourceRef, ...pageInput });

@McpTools({ toolset: 'catalog' })
export class AccessGrantsTools {
  constructor(private readonly access: AccessGrantsService) {}

  @McpTool({
    name: 'grant_access',
    description: 'Gives the organization, a team or one member viewer, editor or manager access to a plugin or marketplace. Granting the same subject again changes its role.',
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
    description: 'Removes one access grant (ids from grant_access or list_access_grants). The people it reached lose that access.',
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
    description: 'Lists who has access to a plugin or a marketplace: each grant\'s subject (organization, team or member) and role.',
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
