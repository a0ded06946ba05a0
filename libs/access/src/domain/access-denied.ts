import { DomainError, type Principal } from '@app/shared';
import { PERMISSIONS, type Permission } from './permissions.js';

/** Why a token no longer opens the gateway; the reason is logged, the client only learns "invalid_token". */
export type DenialReason =
  | 'missing_token'
  | 'malformed_token'
  | 'bad_signature'
  | 'expired'
  | 'wrong_issuer_or_audience'
  | 'grant_revoked'
  | 'session_ended'
  | 'not_a_member';

export class AccessDeniedError extends Error {
  constructor(readonly reason: DenialReason) {
    super(`access denied: ${reason}`);
  }
}

export class PermissionRequiredError extends DomainError {
  constructor(principal: Principal, permission: Permission) {
    super(
      'permission_denied',
      'permission_denied',
      `Your role "${principal.role}" does not have the permission "${permission}" (${PERMISSIONS[permission].toLowerCase()}).`,
      { role: principal.role, requiredPermission: permission },
      'Ask an owner or admin of the organization to do this for you, or to give you a role with that permission.',
    );
  }
}

/** The one place a permission is checked: the tool layer and the use cases both call this. */
export function assertPermission(principal: Principal, permission: Permission): void {
  if (!principal.permissions.has(permission)) throw new PermissionRequiredError(principal, permission);
}
