import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Account } from '@app/identity';
import { PrismaService } from '@app/shared';
import { addMember, createOrg, createUser } from './fixtures.js';
import { callTool, connectWithToken, toolError } from './mcp-client.js';
import { unique, type TestApp } from './test-app.js';
import { mintAccess } from './tokens.js';

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

/** Teams belong to another context; the catalog tests only need rows to grant access to. */
export async function createTeam(t: TestApp, orgId: string, membershipIds: string[]) {
  const prisma = t.get(PrismaService);
  return prisma.team.create({
    data: { orgId, name: unique('Team '), members: { create: membershipIds.map((membershipId) => ({ orgId, membershipId })) } },
  });
}

export function skillMd(name: string, description = 'Writes things.', body = 'Do the thing.\n') {
  return `---\nname: ${name}\ndescription: ${description}\n---\n${body}`;
}

/** Calls a tool that must succeed and returns its structured content. */
export async function ok<T = Record<string, any>>(client: Client, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const r = await callTool<T>(client, name, args);
  assert.equal(r.isError, false, `${name} failed: ${JSON.stringify(r.result.structuredContent ?? r.result.content)}`);
  return r.data;
}

/** Calls a tool that must fail with a domain error and returns that error. */
export async function fails(client: Client, name: string, args: Record<string, unknown> = {}) {
  const r = await callTool(client, name, args);
  assert.equal(r.isError, true, `${name} unexpectedly succeeded: ${JSON.stringify(r.data)}`);
  return toolError(r.result);
}

export async function auditActions(t: TestApp, orgId: string, targetId: string): Promise<string[]> {
  const rows = await t.get(PrismaService).auditEvent.findMany({ where: { orgId, targetId }, orderBy: { id: 'asc' } });
  return rows.map((r) => r.action);
}

export function fieldPaths(error: { details: Record<string, unknown> }): string[] {
  return ((error.details.fields as { path: string }[] | undefined) ?? []).map((f) => f.path);
}
