import { ALL_PERMISSIONS, BUILT_IN_ROLES, isBuiltInRole, isPermission, type Permission } from '@app/access';
import { InvalidInputError, slugify, type Principal } from '@app/shared';
import { OwnerRequiredError, RoleEscalationError } from './members.errors.js';

export interface RoleDefinition {
  /** Custom roles have a database id; built-in roles use their key as id. */
  id: string;
  key: string;
  name: string;
  description: string;
  permissions: Permission[];
  builtIn: boolean;
}

export const BUILT_IN_ROLE_DEFINITIONS: RoleDefinition[] = Object.entries(BUILT_IN_ROLES).map(([key, role]) => ({
  id: key,
  key,
  name: role.name,
  description: role.description,
  permissions: [...role.permissions],
  builtIn: true,
}));

export function builtInRole(key: string): RoleDefinition | undefined {
  return isBuiltInRole(key) ? BUILT_IN_ROLE_DEFINITIONS.find((r) => r.key === key) : undefined;
}

// Memberships store the key, so it is derived once from the first name and never changes.
export function roleKeyFromName(name: string): string {
  const key = slugify(name, 40);
  if (!key) {
    throw new InvalidInputError('The role name needs at least one letter or digit.', [{ path: 'name', message: 'needs a letter or digit' }]);
  }
  return key;
}

export function normalizePermissions(raw: readonly string[]): Permission[] {
  const unknown = raw.filter((p) => !isPermission(p));
  if (unknown.length > 0) {
    throw new InvalidInputError(
      `Unknown permissions: ${unknown.slice(0, 10).map((p) => p.slice(0, 50)).join(', ')}.`,
      unknown.slice(0, 20).map((p) => ({ path: 'permissions', message: `"${p.slice(0, 50)}" is not a permission` })),
      `Use permissions from this fixed list: ${ALL_PERMISSIONS.join(', ')}.`,
    );
  }
  return ALL_PERMISSIONS.filter((p) => raw.includes(p));
}

/** Nobody hands out more than they hold: owner only by owners, other roles only within the caller's permissions. */
export function assertCanGrantRole(principal: Principal, role: Pick<RoleDefinition, 'key' | 'permissions'>, action?: string): void {
  if (role.key === 'owner') {
    if (principal.role !== 'owner') throw new OwnerRequiredError('give someone the owner role');
    return;
  }
  const missing = role.permissions.filter((p) => !principal.permissions.has(p));
  if (missing.length > 0) throw new RoleEscalationError(role.key, missing, action);
}

/**
 * Owners are changed or removed by owners only; anyone else only by someone whose role holds every
 * permission theirs carries, so a narrow role with members:manage cannot act against an admin.
 */
export function assertCanManageMember(principal: Principal, memberRole: Pick<RoleDefinition, 'key' | 'permissions'>, action: string): void {
  if (memberRole.key === 'owner') {
    if (principal.role !== 'owner') throw new OwnerRequiredError(action);
    return;
  }
  const missing = memberRole.permissions.filter((p) => !principal.permissions.has(p));
  if (missing.length > 0) throw new RoleEscalationError(memberRole.key, missing, action);
}
