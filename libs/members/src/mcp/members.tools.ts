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
  query: z.string().min(1).max(100).optional().describe('Name or email contains this text'),
  role: roleReference.optional().describe('Only this role (name or key)'),
  team: teamReference.optional().describe('Only this team (name or id)'),
  teamId: legacyIdField('team'),
});
const findPeopleInput = z.object({
  query: z.string().min(1).max(254).describe('Part of a name or email'),
  limit: z.number().int().min(1).max(50).default(20).describe('At most this many (1-50)'),
});
const getMemberInput = z.object({ member: memberReference });
const updateRoleInput = z.object({
  member: memberReference,
  role: roleReference.describe('New role: name or key'),
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
      'Finds members and invitees by part of a name or email; use it before acting on someone.',
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
    description: 'Lists active members, oldest first; filter by text, role or team. find_people also finds invitees.',
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
    description: 'Changes a member\'s role. Only owners make or change owners; the last owner stays.',
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
    description: 'Removes a member with their teams, grants and MCP connections; the account stays.',
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
