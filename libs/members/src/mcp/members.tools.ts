import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { pageInput, pageOutput, type Principal } from '@app/shared';
import { MembersService } from '../application/members.service.js';
import { MemberRiskyChanges } from '../application/risky-changes.js';
import { memberReference, memberSchema } from './schemas.js';
import { memberPermissions as can } from '../members.permissions.js';

const listMembersInput = z.object({
  ...pageInput,
  query: z.string().min(1).max(100).optional().describe('Only members whose name or email contains this text (case-insensitive), e.g. "priya"'),
  role: z.string().min(1).max(64).optional().describe('Only members with this role key, e.g. "admin"'),
  teamId: z.string().min(1).max(64).optional().describe('Only members of this team (id from list_teams)'),
});
const getMemberInput = z.object({ member: memberReference });
const updateRoleInput = z.object({
  member: memberReference,
  role: z.string().min(1).max(64).describe('The new role key: owner, admin, member or a custom role key from list_roles'),
});
const removeMemberInput = z.object({ member: memberReference });

@McpTools({ toolset: 'people' })
export class MembersTools {
  constructor(private readonly members: MembersService) {}

  @McpTool({
    name: 'list_members',
    description: 'Lists active members (id, name, email, role, join time), oldest first; filter by name or email text, role or team. Pending invitees are in list_invitations.',
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
    description: 'Gets one member of the organization by membership id, user id or email.',
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
