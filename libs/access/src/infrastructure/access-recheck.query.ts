import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, type Database, type Statement } from '@app/shared';

export interface LiveAccess {
  grantRevoked: boolean;
  grantUserId: string;
  grantOrgId: string;
  grantClientId: string;
  sessionId: string;
  sessionActive: boolean;
  membershipId: string | null;
  role: string | null;
  customPermissions: string[] | null;
  orgName: string;
  orgSlug: string;
  orgPlan: string;
  userEmail: string;
  userName: string;
  clientName: string;
}

// One round trip per MCP request: grant, web session and membership (with a custom role's permissions),
// plus the organization, account and client the request acts through, all by primary key. It runs on the
// driver, prepared once per connection: through the ORM the same read cost about a third of a small
// tool call's CPU (query building, result mapping, a dozen promise hops behind every other request).
const RECHECK: Statement = {
  name: 'access_recheck',
  text: `
    SELECT g."revokedAt" IS NOT NULL AS "grantRevoked",
           g."userId" AS "grantUserId", g."orgId" AS "grantOrgId", g."clientId" AS "grantClientId",
           s.id AS "sessionId",
           (s."revokedAt" IS NULL AND s."expiresAt" > $2) AS "sessionActive",
           m.id AS "membershipId", m.role AS "role", r.permissions AS "customPermissions",
           o.name AS "orgName", o.slug AS "orgSlug", o.plan AS "orgPlan",
           u.email AS "userEmail", u.name AS "userName", c."clientName" AS "clientName"
      FROM "Grant" g
      JOIN "Session" s ON s.id = g."sessionId"
      JOIN "Organization" o ON o.id = g."orgId"
      JOIN "User" u ON u.id = g."userId"
      JOIN "OAuthClient" c ON c.id = g."clientId"
      LEFT JOIN "Membership" m ON m."orgId" = g."orgId" AND m."userId" = g."userId"
      LEFT JOIN "Role" r ON r."orgId" = m."orgId" AND r.key = m.role
     WHERE g.id = $1`,
};

@Injectable()
export class AccessRecheckQuery {
  constructor(@Inject(DATABASE) private readonly database: Database) {}

  async load(grantId: string, now: Date): Promise<LiveAccess | null> {
    const rows = await this.database.query<LiveAccess>(RECHECK, [grantId, now]);
    return rows[0] ?? null;
  }
}
