import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { legacyIdField, pageInput, pageOutput, type Principal } from '@app/shared';
import { FindPeopleUseCase } from '../application/find-people.use-case.js';
import { MembersService } from '../application/members.service.js';
import { MemberRiskyChanges } from '../application/risky-changes.js';
import { memberReference, memberSchema, roleReference, teamReference } from './schemas.js';
import { memberPermissions as can } from '../members.permissions.js';

const listMembersInput = z.object({
  ...pageInput,
  query: z.string().min(1).max(100).optional().describe('Only members whose name or email contains this text (case-insensitive), e.g. "priya"'),
  role: roleReference.optional().describe('Only members with this role (name or key, e.g. "Admin")'),
  team: teamReference.optional().describe('Only members of this team (name or id, e.g. "Sales")'),
  teamId: legacyIdField('team'),
});
const findPeopleInput = z.object({
  query: z.string().min(1).max(254).describe('Part of a name or email, e.g. "priya" or "priya@example.com"'),
  limit: z.number().int().min(1).max(50).default(20).describe('At most this many people (1-50, default 20)'),
});
const getMemberInput = z.object({ member: memberReference });
const updateRoleInput = z.object({
  member: memberReference,
  role: roleReference.describe('The new role by name or key: owner, admin, member or a custom role (list_roles)'),
});
const removeMemberInput = z.object({ member: memberReference });

@McpTools({ toolset: 'people' })
export class MembersTools {
  constructor(
    private readonly members: MembersService,
    private readonly findPeople: FindPeopleUseCase,
  ) {}

  @McpTool({
    name: 'find_people',
    description:
      'Finds people by part of their name or email in one call: active members (status active, id = membership id) and ' +
      'people invited but not yet joined (status invited, id = invitation id). Use it before inviting, assigning or ' +
      'changing someone, instead of paging through list_members and list_invitations.',
    permission: can.find_people,
    input: findPeopleInput,
    output: z.object({
      people: z.array(
        z.object({
          status: z.enum(['active', 'invited']).describe('active: a member; invited: a pending invitation'),
          id: z.string().describe('Membership id (active) or invitation id (invited)'),
          name: z.string().nullable().describe('null for invitees, who have no account yet'),
          email: z.string(),
          role: z.string().describe('Their role, or the role the invitation gives'),
          expiresAt: z.string().nullable().describe('Invitees: when the invitation stops working'),
        }),
      ),
      truncated: z.boolean().describe('true when more people match: narrow the query'),
    }),
    title: 'Find people',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  find(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof findPeopleInput>) {
    return this.findPeople.execute(principal, input);
  }

  @McpTool({
    name: 'list_members',
    description: 'Lists active members (id, name, email, role, join time), oldest first; filter by name or email text, role or team. Pending invitees are in list_invitations; find_people shows both.',
    permission: can.list_members,
    input: listMembersInput,
    output: pageOutput(memberSchema),
    title: 'List members',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  list(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof listMembersInput>) {
    return this.members.list(principal, input);
  }

  @McpTool({
    name: 'get_member',
    description: 'Gets one member of the organization by email, name, membership id or user id.',
    permission: can.get_member,
    input: getMemberInput,
    output: memberSchema,
    title: 'Get member',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  get(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof getMemberInput>) {
    return this.members.get(principal, input);
  }

  @McpTool({
    name: 'update_member_role',
    description: 'Changes a member\'s role from their next request. Only owners make or change owners; the last owner cannot be demoted.',
    permission: can.update_member_role,
    input: updateRoleInput,
    output: memberSchema.extend({ previousRole: z.string().describe('The role before this change') }),
    title: 'Change member role',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    risk: ({ principal, input, get }) => get(MemberRiskyChanges).updateMemberRole(principal, input),
  })
  updateRole(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof updateRoleInput>) {
    return this.members.updateRole(principal, input);
  }

  @McpTool({
    name: 'remove_member',
    description: 'Removes a member from the organization with their team memberships and access grants; their MCP connections to it stop working. Their account stays.',
    permission: can.remove_member,
    input: removeMemberInput,
    output: z.object({
      removed: memberSchema.describe('The membership that was removed'),
      grantsRevoked: z.number().int().describe('How many of their OAuth connections to this organization were revoked'),
    }),
    title: 'Remove member',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    risk: ({ principal, input, get }) => get(MemberRiskyChanges).removeMember(principal, input),
  })
  remove(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof removeMemberInput>) {
    return this.members.remove(principal, input);
  }
}
