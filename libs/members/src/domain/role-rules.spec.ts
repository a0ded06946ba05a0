import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ALL_PERMISSIONS, BUILT_IN_ROLES } from '@app/access';
import { DomainError, type Principal } from '@app/shared';
import { assertCanGrantRole, assertCanManageMember, normalizePermissions, roleKeyFromName } from './role-rules.js';

function principal(role: string, permissions: readonly string[]): Principal {
  return { orgId: 'o', userId: 'u', membershipId: 'm', role, permissions: new Set(permissions), scopes: new Set(), clientId: 'c', sessionId: 's', grantId: 'g', organization: { id: 'o', name: 'Org', slug: 'org', plan: 'free' }, account: { id: 'u', email: 'u@example.com', name: 'U' }, clientName: 'C' };
}

function codeOf(run: () => void): string | null {
  try {
    run();
    return null;
  } catch (error) {
    return (error as DomainError).code;
  }
}

describe('role rules', () => {
  it('derives stable keys from names', () => {
    assert.equal(roleKeyFromName('Sales Lead'), 'sales-lead');
    assert.equal(roleKeyFromName('  Équipe  Ventes!! '), 'equipe-ventes');
    assert.equal(codeOf(() => roleKeyFromName('!!!')), 'invalid_input');
  });

  it('keeps only known permissions, in the canonical order, without duplicates', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ALL_PERMISSIONS)), (picked) => {
        const normalized = normalizePermissions(picked);
        assert.deepEqual(normalized, ALL_PERMISSIONS.filter((p) => picked.includes(p)));
      }),
    );
    assert.equal(codeOf(() => normalizePermissions(['org:read', 'root'])), 'invalid_input');
  });

  it('lets only owners grant owner and nobody grant more than they hold', () => {
    const owner = principal('owner', BUILT_IN_ROLES.owner.permissions);
    const admin = principal('admin', BUILT_IN_ROLES.admin.permissions);
    const lead = principal('lead', ['org:read', 'members:manage']);
    const ownerRole = { key: 'owner', permissions: [...BUILT_IN_ROLES.owner.permissions] };
    const adminRole = { key: 'admin', permissions: [...BUILT_IN_ROLES.admin.permissions] };
    assert.equal(codeOf(() => assertCanGrantRole(owner, ownerRole)), null);
    assert.equal(codeOf(() => assertCanGrantRole(admin, ownerRole)), 'owner_required');
    assert.equal(codeOf(() => assertCanGrantRole(admin, adminRole)), null);
    assert.equal(codeOf(() => assertCanGrantRole(lead, adminRole)), 'role_exceeds_your_permissions');
    assert.equal(codeOf(() => assertCanGrantRole(lead, { key: 'viewer', permissions: ['org:read'] })), null);
    assert.equal(codeOf(() => assertCanManageMember(admin, ownerRole, 'remove an owner')), 'owner_required');
    assert.equal(codeOf(() => assertCanManageMember(owner, ownerRole, 'remove an owner')), null);
  });

  it('lets a non-owner manage a member only when the actor holds every permission of the member\'s role', () => {
    fc.assert(
      fc.property(fc.subarray(ALL_PERMISSIONS), fc.subarray(ALL_PERMISSIONS), (actorPermissions, targetPermissions) => {
        const actor = principal('custom', actorPermissions);
        const allowed = targetPermissions.every((p) => actorPermissions.includes(p));
        const code = codeOf(() => assertCanManageMember(actor, { key: 'target', permissions: targetPermissions }, 'remove them'));
        assert.equal(code, allowed ? null : 'role_exceeds_your_permissions');
      }),
    );
    const manager = principal('people-manager', ['members:read', 'members:manage']);
    assert.equal(codeOf(() => assertCanManageMember(manager, { key: 'admin', permissions: [...BUILT_IN_ROLES.admin.permissions] }, 'remove an admin')), 'role_exceeds_your_permissions');
    assert.equal(codeOf(() => assertCanManageMember(principal('admin', ALL_PERMISSIONS), { key: 'owner', permissions: [...ALL_PERMISSIONS] }, 'remove an owner')), 'owner_required');
  });
});
