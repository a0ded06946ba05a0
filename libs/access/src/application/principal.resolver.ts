import { Injectable } from '@nestjs/common';
import { Clock, ServiceUnavailableError, withSpan, type Principal } from '@app/shared';
import { AccessDeniedError } from '../domain/access-denied.js';
import { BUILT_IN_ROLES, isBuiltInRole, isPermission, type Permission } from '../domain/permissions.js';
import { AccessRecheckQuery } from '../infrastructure/access-recheck.query.js';
import { AccessTokenVerifier } from './access-token.verifier.js';

/**
 * Bearer token -> Principal, or a reason it no longer grants access. Runs on every MCP request:
 * a revoked grant, an ended web session or a lost membership cut access at the next call.
 */
@Injectable()
export class PrincipalResolver {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly recheck: AccessRecheckQuery,
    private readonly clock: Clock,
  ) {}

  async resolve(token: string): Promise<Principal> {
    const claims = await withSpan('mcp.token_check', () => this.verifier.verify(token));
    let live;
    try {
      live = await withSpan('mcp.access_recheck', () => this.recheck.load(claims.gid, this.clock.now()));
    } catch (error) {
      // Never "allowed by default": if the database cannot answer, nobody gets in.
      throw new ServiceUnavailableError('The access check');
    }
    if (!live || live.grantRevoked) throw new AccessDeniedError('grant_revoked');
    if (live.grantUserId !== claims.sub || live.grantOrgId !== claims.org_id || live.grantClientId !== claims.client_id || live.sessionId !== claims.sid) {
      throw new AccessDeniedError('grant_revoked');
    }
    if (!live.sessionActive) throw new AccessDeniedError('session_ended');
    if (!live.membershipId || !live.role) throw new AccessDeniedError('not_a_member');
    return {
      orgId: claims.org_id,
      userId: claims.sub,
      membershipId: live.membershipId,
      role: live.role,
      permissions: permissionsOf(live.role, live.customPermissions),
      scopes: new Set(claims.scope.split(' ').filter(Boolean)),
      clientId: claims.client_id,
      sessionId: claims.sid,
      grantId: claims.gid,
      organization: { id: claims.org_id, name: live.orgName, slug: live.orgSlug, plan: live.orgPlan },
      account: { id: claims.sub, email: live.userEmail, name: live.userName },
      clientName: live.clientName,
    };
  }
}

function permissionsOf(role: string, customPermissions: string[] | null): ReadonlySet<Permission> {
  if (isBuiltInRole(role)) return new Set(BUILT_IN_ROLES[role].permissions);
  return new Set((customPermissions ?? []).filter(isPermission));
}
