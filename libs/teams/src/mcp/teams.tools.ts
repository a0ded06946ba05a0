import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { memberSchema } from '@app/members';
import { pageInput, pageOutput, type Principal } from '@app/shared';
import { TeamsService } from '../application/teams.service.js';
import { teamPermissions as can } from '../teams.permissions.js';

const teamSchema = z.object({
  id: z.string().describe('Team id'),
  name: z.string(),
  description: z.string(),
  memberCount: z.number().int(),
  createdAt: z.string(),
});
const teamReference = z.string().min(1).max(100).describe('The team: its name (any case, e.g. "Sales") or id');
const memberReference = z.string().min(1).max(254).describe('The person: their email or name (e.g. "priya@example.com"), or a membership or user id');

const listInput = z.object({
  ...pageInput,
  query: z.string().min(1).max(100).optional().describe('Only teams whose name contains this text (case-insensitive)'),
  member: memberReference.optional().describe('Only teams this member belongs to (email, name or id)'),
});
const createInput = z.object({
  name: z.string().min(1).max(100).describe('Team name, unique in the organization, e.g. "Sales"'),
  description: z.string().max(1000).optional().describe('What the team is for'),
});
const updateInput = z.object({
  team: teamReference,
  name: z.string().min(1).max(100).optional().describe('New name'),
  description: z.string().max(1000).optional().describe('New description'),
});
const deleteInput = z.object({ team: teamReference });
const membershipInput = z.object({ team: teamReference, member: memberReference });

@McpTools()
export class TeamsTools {
  constructor(private readonly teams: TeamsService) {}

  @McpTool({
    name: 'list_teams',
    description: 'Lists the teams of the organization with their member counts, paginated; filter by name text or by a member. list_members with team shows who is in a team.',
    permission: can.list_teams,
    input: listInput,
    output: pageOutput(teamSchema),
    annotations: { title: 'List teams', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  list(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof listInput>) {
    return this.teams.list(principal, input);
  }

  @McpTool({
    name: 'create_team',
    description: 'Creates a team. A name already used in the organization fails with already_exists and the existing team id. Needs teams:manage.',
    permission: can.create_team,
    input: createInput,
    output: teamSchema,
    annotations: { title: 'Create team', readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  create(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof createInput>) {
    return this.teams.create(principal, input);
  }

  @McpTool({
    name: 'update_team',
    description: 'Renames a team or changes its description. Needs teams:manage.',
    permission: can.update_team,
    input: updateInput,
    output: teamSchema,
    annotations: { title: 'Update team', readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  update(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof updateInput>) {
    return this.teams.update(principal, input);
  }

  @McpTool({
    name: 'delete_team',
    description: 'Deletes a team, its memberships and the access given to the team; the members stay in the organization. Needs teams:manage.',
    permission: can.delete_team,
    input: deleteInput,
    output: z.object({ deleted: z.literal(true), id: z.string(), name: z.string(), membersRemoved: z.number().int() }),
    annotations: { title: 'Delete team', readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  })
  delete(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof deleteInput>) {
    return this.teams.delete(principal, input);
  }

  @McpTool({
    name: 'add_team_member',
    description:
      'Adds an active member of the organization to a team (by email, name or id). Someone who was invited but has not ' +
      'accepted yet gets member_pending_invitation, whose hint is the update_invitation call that makes them join on ' +
      'acceptance. Adding someone already in the team changes nothing (added: false). Needs teams:manage.',
    permission: can.add_team_member,
    input: membershipInput,
    output: z.object({ team: teamSchema, member: memberSchema, added: z.boolean().describe('false when they were already in the team') }),
    annotations: { title: 'Add team member', readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  addMember(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof membershipInput>) {
    return this.teams.addMember(principal, input);
  }

  @McpTool({
    name: 'remove_team_member',
    description: 'Removes a member from a team (they stay in the organization). Removing someone not in the team changes nothing (removed: false). Needs teams:manage.',
    permission: can.remove_team_member,
    input: membershipInput,
    output: z.object({ team: teamSchema, member: memberSchema, removed: z.boolean().describe('false when they were not in the team') }),
    annotations: { title: 'Remove team member', readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  removeMember(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof membershipInput>) {
    return this.teams.removeMember(principal, input);
  }
}
