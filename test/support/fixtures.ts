import { AccountsService, type Account } from '@app/identity';
import { OrganizationsService } from '@app/members';
import { unique, type TestApp } from './test-app.js';

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
