import { PrincipalResolver } from '@app/access';
import { SessionsService, type Account } from '@app/identity';
import { AccessTokenIssuer, ClientRepository, DESKTOP_CLIENT_ID, DESKTOP_CLIENT_NAME, GrantRepository } from '@app/oauth';
import type { Principal } from '@app/shared';
import type { TestApp } from './test-app.js';

export interface MintedAccess {
  token: string;
  grantId: string;
  sessionId: string;
  sessionToken: string;
}

/**
 * Signs a user in and issues an MCP access token for one of their organizations, the way a finished
 * OAuth consent would; for suites that test tools rather than the sign-in flow.
 */
export async function mintAccess(t: TestApp, user: Account, orgId: string, scope = 'mcp:read mcp:write', resource = t.config.mcpResourceUrl): Promise<MintedAccess> {
  const { token: sessionToken, session } = await t.get(SessionsService).start(user.id, { userAgent: 'test' });
  await t.get(ClientRepository).ensureFirstParty(DESKTOP_CLIENT_ID, DESKTOP_CLIENT_NAME);
  const grant = await t.get(GrantRepository).create({
    clientId: DESKTOP_CLIENT_ID,
    userId: user.id,
    sessionId: session.id,
    orgId,
    scope,
    resource,
  });
  const issued = await t.get(AccessTokenIssuer).issue(grant, scope);
  return { token: issued.accessToken, grantId: grant.id, sessionId: session.id, sessionToken };
}

/**
 * The principal a tool call by this user in this organization would carry, resolved by the real access
 * check from a real token: for medium tests that call a use case directly, without HTTP.
 */
export async function principalFor(t: TestApp, user: Account, orgId: string, scope = 'mcp:read mcp:write'): Promise<Principal> {
  const { token } = await mintAccess(t, user, orgId, scope);
  return t.get(PrincipalResolver).resolve(token, t.config.mcpResourceUrl);
}
