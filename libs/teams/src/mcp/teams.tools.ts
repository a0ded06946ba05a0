import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { memberSchema } from '@app/members';
import { pageInput, pageOutput, type Principal } from '@app/shared';
import { TeamsService } from '../application/teams.service.js';
import { TeamRiskyChanges } from '../application/risky-changes.js';
import { teamPermissions as can } from '../teams.permissions.js';

const teamSchema = z.object({
  id: z.string().describe('Team id'),
  name: z.string(),
  description: z.string(),
  memberCount: z.number().int(),
  createdAt: z.string(),
});
const teamReference = z.string().min(1).max(100).describe('Team name or id');
const memberReference = z.string().min(1).max(254).describe('Member email, name or id');

const listInput = z.object({
  ...pageInput,
  query: z.string().min(1).max(100).optional().describe('Name contains this text'),
  member: memberReference.optional().describe('Only teams of this member'),
});
const createInput = z.object({
  name: z.string().min(1).max(100).describe('Unique team name'),
  description: z.string().max(1000).optional().describe('What the team is for'),
});
const updateInput = z.object({
  team: teamReference,
  name: z.string().min(1).max(100).optional().describe('New name'),
  description: z.string().max(1000).optional().describe('New description'),
});
const deleteInput = z.object({ team: teamReference });
const membershipInput = z.object({ team: teamReference, member: memberReference });

@McpTools({ toolset: 'people' })
export class TeamsTools {
  constructor(private readonly teams: TeamsService) {}

  @McpTool({
    name: 'list_teams',
    description: 'Lists teams with member counts; list_members with team shows who is in one.',
    permission: can.list_teams,
    input: listInput,
    output: pageOutput(teamSchema),
    title: 'List teams',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  list(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof listInput>) {
    return this.teams.list(principal, input);
  }

  @McpTool({
    name: 'create_team',
    description: 'Creates a team. An existing name gives already_exists with its id.',
    permission: can.create_team,
    input: createInput,
    output: teamSchema,
    title: 'Create team',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  create(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof createInput>) {
    return this.teams.create(principal, input);
  }

  @McpTool({
    name: 'update_team',
    description: 'Renames a team or changes its description.',
    permission: can.update_team,
    input: updateInput,
    output: teamSchema,
    title: 'Update team',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  update(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof updateInput>) {
    return this.teams.update(principal, input);
  }

  @McpTool({
    name: 'delete_team',
    description: 'Deletes a team, its memberships and its access grants; the people stay.',
    permission: can.delete_team,
    input: deleteInput,
    output: z.object({ deleted: z.literal(true), id: z.string(), name: z.string(), membersRemoved: z.number().int() }),
    title: 'Delete team',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    risk: ({ principal, input, get }) => get(TeamRiskyChanges).deleteTeam(principal, input),
  })
  delete(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof deleteInput>) {
    return this.teams.delete(principal, input);
  }

  @McpTool({
    name: 'add_team_member',
    description: 'Adds a member to a team (an invitee: follow the member_pending_invitation hint).',
    permission: can.add_team_member,
    input: membershipInput,
    output: z.object({ team: teamSchema, member: memberSchema, added: z.boolean().describe('false when they were already in the team') }),
    title: 'Add team member',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  addMember(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof membershipInput>) {
    return this.teams.addMember(principal, input);
  }

  @McpTool({
    name: 'remove_team_member',
    description: 'Removes a member from a team; they stay in the organization.',
    permission: can.remove_team_member,
    input: membershipInput,
    output: z.object({ team: teamSchema, member: memberSchema, removed: z.boolean().describe('false when they were not in the team') }),
    title: 'Remove team member',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  removeMember(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof membershipInput>) {
    return this.teams.removeMember(principal, input);
  }
}
