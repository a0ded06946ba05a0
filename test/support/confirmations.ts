import type { Account } from '@app/identity';
import { PrismaService } from '@app/shared';
import { addMember, createOrg, createUser } from './fixtures.js';
import type { TestApp } from './test-app.js';
import { mintAccess } from './tokens.js';

/** An organization that asks for confirmations (unless told otherwise), its owner with a token, and Bob, a member to act on. */
export async function orgWithMember(t: TestApp, options: { policy?: 'always' | 'never'; allowedDomains?: string[] } = {}) {
  const owner = await createUser(t, { name: 'Olive Owner' });
  const org = await createOrg(t, owner, { confirmRiskyChanges: options.policy ?? 'always', allowedDomains: options.allowedDomains });
  const bob = await createUser(t, { name: 'Bob Member' });
  await addMember(t, org.slug, bob);
  const access = await mintAccess(t, owner, org.id);
  return { owner, org, bob, access, token: access.token };
}

export async function isMember(t: TestApp, orgId: string, user: Account): Promise<boolean> {
  return (await t.get(PrismaService).membership.count({ where: { orgId, userId: user.id } })) === 1;
}

/** The organization's audit events, oldest first, optionally only those approved or refused in one way. */
export async function auditEvents(t: TestApp, orgId: string, approval?: string) {
  return t.get(PrismaService).auditEvent.findMany({ where: { orgId, ...(approval ? { approval } : {}) }, orderBy: { id: 'asc' } });
}
