import { z } from 'zod';
import { ALL_PERMISSIONS } from '@app/access';

export const memberSchema = z.object({
  id: z.string().describe('Membership id: pass it to get_member, update_member_role, remove_member, add_team_member'),
  userId: z.string().describe('The account id of the person'),
  email: z.string(),
  name: z.string(),
  role: z.string().describe('owner, admin, member or a custom role key'),
  joinedAt: z.string().describe('ISO 8601 time the person joined'),
});

export const invitationSchema = z.object({
  id: z.string().describe('Invitation id; the invitation tools also take the email'),
  email: z.string(),
  role: z.string().describe('The role the invitee gets on acceptance'),
  teamIds: z.array(z.string()).describe('Teams the invitee joins on acceptance'),
  status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
  invitedByUserId: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().describe('ISO 8601; a pending invitation stops working (and frees its seat) at this time'),
  acceptedAt: z.string().nullable(),
});

export const deliverySchema = z
  .object({ status: z.enum(['queued', 'sending', 'sent', 'failed']), to: z.string() })
  .nullable()
  .describe('The latest invitation email; null if none');

export const roleSchema = z.object({
  id: z.string().describe('Custom role id, or the key for a built-in role'),
  key: z.string().describe('What memberships and invitations store as their role, e.g. "admin" or "sales-lead"'),
  name: z.string(),
  description: z.string(),
  permissions: z.array(z.enum(ALL_PERMISSIONS as [string, ...string[]])),
  builtIn: z.boolean().describe('Built-in roles (owner, admin, member) cannot be changed or deleted'),
  memberCount: z.number().int().describe('How many members currently have this role'),
});

export const organizationSchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  plan: z.string(),
  seatLimit: z.number().int(),
  seatsUsed: z.number().int().describe('Active members plus pending, unexpired invitations'),
  seatsAvailable: z.number().int().describe('Invitations that can still be sent before the seat limit is reached'),
  billingRule: z.string().describe('How seats are counted, in words'),
  billingUrl: z.string().describe('Where an owner buys more seats'),
  allowedEmailDomains: z.array(z.string()).describe('Invitations are limited to these domains; empty means any domain'),
  confirmRiskyChanges: z.enum(['always', 'never']).describe('always: risky changes wait for the person to confirm them; never: they run without asking, each audited as policy-off'),
  createdAt: z.string(),
});

export const memberReference = z
  .string()
  .min(1)
  .max(254)
  .describe('Member email, name or id');

export const roleReference = z.string().min(1).max(64).describe('Role name or key');
export const teamReference = z.string().min(1).max(100).describe('Team name or id');
export const invitationReference = z.string().min(1).max(254).describe('Invitee email or invitation id');
