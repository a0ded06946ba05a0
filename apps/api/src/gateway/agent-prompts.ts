import { z } from 'zod';

/**
 * The four brief flows as MCP prompts. Each names the tools it walks through: a prompt is offered only on
 * endpoints that serve all of them (check-identity needs only get_current_identity, served everywhere).
 */
export interface AgentPrompt {
  name: string;
  title: string;
  description: string;
  tools: string[];
  arguments: z.ZodObject;
  /** Which completion source fills each argument. */
  completes: Record<string, CompletionSource>;
  text(args: Record<string, string | undefined>): string;
}

export type CompletionSource = 'person' | 'invitee' | 'role' | 'team' | 'skill';

const text = (max: number) => z.string().trim().min(1).max(max);

export const AGENT_PROMPTS: AgentPrompt[] = [
  {
    name: 'check-identity',
    title: 'Check who I am here',
    description: 'Shows which organization, account, role, permissions and scopes this connection acts with.',
    tools: ['get_current_identity'],
    arguments: z.object({}),
    completes: {},
    text: () =>
      'Call get_current_identity and tell me, in a few lines: the organization (name and plan), my account, my role, ' +
      'the permissions it gives me, the scopes this connection was granted, and the client I am connected through.',
  },
  {
    name: 'invite-teammate',
    title: 'Invite a teammate',
    description: 'Invites someone to the organization by email, optionally with a role.',
    tools: ['invite_member'],
    arguments: z.object({
      email: text(254).describe('Email address of the person to invite'),
      role: text(100).optional().describe('Role to give them (owner, admin, member or a custom role); member when left out'),
    }),
    completes: { email: 'invitee', role: 'role' },
    text: ({ email, role }) =>
      `Invite ${email} to the organization${role ? ` with the role ${role}` : ''} using invite_member. ` +
      'If the result is an error (for example email_domain_not_allowed or seat_limit_reached), explain the rule it names ' +
      'and follow its hint instead of retrying. Tell me how the invitation was delivered.',
  },
  {
    name: 'assign-to-team',
    title: 'Assign someone to a team',
    description: 'Adds a member of the organization to a team.',
    tools: ['add_team_member'],
    arguments: z.object({
      person: text(254).describe('The person: their email, name or membership id'),
      team: text(100).describe('The team: its name or id'),
    }),
    completes: { person: 'person', team: 'team' },
    text: ({ person, team }) =>
      `Add ${person} to the team ${team} using add_team_member. If the person or team is not found, use list_members or ` +
      'list_teams to find the right one and ask me before picking. If they have only a pending invitation ' +
      '(member_pending_invitation), follow the hint of that answer.',
  },
  {
    name: 'share-skill',
    title: 'Share a skill with the organization',
    description: 'Makes one of the organization\'s skills available to everyone in it.',
    tools: ['share_skill'],
    arguments: z.object({ skill: text(100).describe('The skill: its name or id') }),
    completes: { skill: 'skill' },
    text: ({ skill }) =>
      `Share the skill ${skill} with the whole organization using share_skill (find its id with list_skills if needed). ` +
      'It is one idempotent call: tell me which plugin and marketplace it used and who can now install it.',
  },
];
