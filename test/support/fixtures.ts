import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { AccountsService, type Account } from '@app/identity';
import { OrganizationsService } from '@app/members';
import { PrismaService } from '@app/shared';
import { connectWithToken } from './mcp.js';
import { unique, type TestApp } from './test-app.js';
import { mintAccess } from './tokens.js';

export const TEST_PASSWORD = 'correct horse battery';

export async function createUser(t: TestApp, overrides: { email?: string; name?: string; verified?: boolean } = {}): Promise<Account> {
  return t.get(AccountsService).register({
    email: overrides.email ?? `${unique('user')}@example.com`,
    name: overrides.name ?? 'Test User',
    password: TEST_PASSWORD,
    verified: overrides.verified ?? true,
  });
}

export async function createOrg(
  t: TestApp,
  owner: Account,
  options: { name?: string; seats?: number; plan?: string; allowedDomains?: string[]; confirmRiskyChanges?: 'always' | 'never' } = {},
) {
  // Suites about an area's own rules run with the confirmation step off (its audit says policy-off);
  // test/confirmations.e2e-spec.ts and the evals exercise the product default, always.
  return t.get(OrganizationsService).create({ name: options.name ?? unique('Org '), ownerEmail: owner.email, confirmRiskyChanges: 'never', ...options });
}

export async function addMember(t: TestApp, orgSlug: string, user: Account, role = 'member') {
  return t.get(OrganizationsService).addMember({ orgSlug, email: user.email, role });
}

export interface Actor {
  user: Account;
  membershipId: string;
  client: Client;
}

export interface OrgWithPeople {
  org: { id: string; slug: string };
  owner: Actor;
  member: Actor;
  reader: Actor;
  /** A member's read-only connection (scope mcp:read only). */
  readOnly: Client;
}

async function actor(t: TestApp, user: Account, orgId: string, scope?: string): Promise<Actor> {
  const prisma = t.get(PrismaService);
  const membership = await prisma.membership.findUniqueOrThrow({ where: { orgId_userId: { orgId, userId: user.id } } });
  const { token } = await mintAccess(t, user, orgId, scope);
  return { user, membershipId: membership.id, client: await connectWithToken(t.url, token) };
}

/** An organization with an owner, two members and a read-only connection, each on their own MCP client. */
export async function orgWithPeople(t: TestApp): Promise<OrgWithPeople> {
  const ownerUser = await createUser(t, { name: 'Olivia Owner' });
  const org = await createOrg(t, ownerUser, { seats: 20 });
  const memberUser = await createUser(t, { name: 'Mo Member' });
  const readerUser = await createUser(t, { name: 'Rita Reader' });
  await addMember(t, org.slug, memberUser, 'member');
  await addMember(t, org.slug, readerUser, 'member');
  const { token } = await mintAccess(t, memberUser, org.id, 'mcp:read');
  return {
    org,
    owner: await actor(t, ownerUser, org.id),
    member: await actor(t, memberUser, org.id),
    reader: await actor(t, readerUser, org.id),
    readOnly: await connectWithToken(t.url, token),
  };
}

/** A team row to grant access to, for suites that do not test teams themselves. */
export async function createTeam(t: TestApp, orgId: string, membershipIds: string[]) {
  const prisma = t.get(PrismaService);
  return prisma.team.create({
    data: { orgId, name: unique('Team '), members: { create: membershipIds.map((membershipId) => ({ orgId, membershipId })) } },
  });
}

export function skillMd(name: string, description = 'Writes things.', body = 'Do the thing.\n') {
  return `---\nname: ${name}\ndescription: ${description}\n---\n${body}`;
}

export async function auditActions(t: TestApp, orgId: string, targetId: string): Promise<string[]> {
  const rows = await t.get(PrismaService).auditEvent.findMany({ where: { orgId, targetId }, orderBy: { id: 'asc' } });
  return rows.map((r) => r.action);
}

export function fieldPaths(error: { details: Record<string, unknown> }): string[] {
  return ((error.details.fields as { path: string }[] | undefined) ?? []).map((f) => f.path);
}

/**
 * A suite's connections to one test app: `setup` makes a fresh organization with an owner on a live MCP
 * client, `connect` adds anyone else, `close` ends them all.
 */
export function connectionsTo(app: () => TestApp) {
  const clients: Client[] = [];
  const connect = async (user: Account, orgId: string, scope = 'mcp:read mcp:write'): Promise<Client> => {
    const client = await connectWithToken(app().url, (await mintAccess(app(), user, orgId, scope)).token);
    clients.push(client);
    return client;
  };
  return {
    connect,
    async setup(options: { seats?: number; allowedDomains?: string[] } = {}) {
      const owner = await createUser(app(), { name: 'Olivia Owner' });
      const org = await createOrg(app(), owner, { seats: options.seats ?? 20, allowedDomains: options.allowedDomains });
      return { owner, org, client: await connect(owner, org.id) };
    },
    async close() {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    },
  };
}

/** Every audit action of an organization, oldest first. */
export async function orgAuditActions(t: TestApp, orgId: string): Promise<string[]> {
  const rows = await t.get(PrismaService).auditEvent.findMany({ where: { orgId }, orderBy: { id: 'asc' } });
  return rows.map((r) => r.action);
}
