import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { legacyIdField, pageInput, pageOutput, referenceField, type Principal } from '@app/shared';
import { AccessGrantsService } from '../application/access-grants.service.js';
import { ACCESS_ROLES, RESOURCE_TYPES, SUBJECT_TYPES } from '../domain/access.js';
import { marketplacePermissions as can } from '../marketplaces.permissions.js';

const resourceType = z.enum(RESOURCE_TYPES).describe('What the grant is on: a plugin or a whole marketplace');
const resourceRef = {
  resource: referenceField('That plugin or marketplace: its name or id; required unless resourceId is given').optional(),
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
  team: referenceField('Required when subjectType is team: the team\'s name (e.g. "Sales") or id').optional(),
  teamId: legacyIdField('team'),
  member: referenceField('Required when subjectType is member: their email, name or membership id').optional(),
  membershipId: legacyIdField('member'),
  role: z.enum(ACCESS_ROLES).default('viewer').describe('viewer: see and install; editor: also change the plugin (components, deletion); manager: also share it with teams and members'),
});
const revokeInput = z.object({ grantId: z.string().min(1).max(100).describe('The grant id') });
const listInput = z.object({ resourceType, ...resourceRef, ...pageInput });

@McpTools()
export class AccessGrantsTools {
  constructor(private readonly access: AccessGrantsService) {}

  @McpTool({
    name: 'grant_access',
    description:
      'Gives the whole organization, a team or one member viewer, editor or manager access to a plugin or a marketplace. ' +
      'Organization-wide grants need an owner or admin; a plugin\'s creator or managers may grant to teams and members. ' +
      'Granting again to the same subject changes the role instead of adding a second grant.',
    permission: can.grant_access,
    input: grantInput,
    output: grantSchema.extend({
      created: z.boolean().describe('false when that subject already had a grant (its role is now the given one)'),
      previousRole: z.string().nullable(),
    }),
    annotations: { title: 'Grant access', readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
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
    annotations: { title: 'Revoke access', readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
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
    annotations: { title: 'List access grants', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  list(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof listInput>) {
    return this.access.list(principal, input);
  }
}
