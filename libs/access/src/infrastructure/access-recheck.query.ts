import { Injectable } from '@nestjs/common';
import { PrismaService } from '@app/shared';

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
}

// One round trip per MCP request: grant, web session and membership (with a custom role's permissions).
@Injectable()
export class AccessRecheckQuery {
  constructor(private readonly prisma: PrismaService) {}

  async load(grantId: string, now: Date): Promise<LiveAccess | null> {
    const rows = await this.prisma.$queryRaw<LiveAccess[]>`
      SELECT g."revokedAt" IS NOT NULL AS "grantRevoked",
             g."userId" AS "grantUserId", g."orgId" AS "grantOrgId", g."clientId" AS "grantClientId",
             s.id AS "sessionId",
             (s."revokedAt" IS NULL AND s."expiresAt" > ${now}) AS "sessionActive",
             m.id AS "membershipId", m.role AS "role", r.permissions AS "customPermissions"
        FROM "Grant" g
        JOIN "Session" s ON s.id = g."sessionId"
        LEFT JOIN "Membership" m ON m."orgId" = g."orgId" AND m."userId" = g."userId"
        LEFT JOIN "Role" r ON r."orgId" = m."orgId" AND r.key = m.role
       WHERE g.id = ${grantId}`;
    return rows[0] ?? null;
  }
}
