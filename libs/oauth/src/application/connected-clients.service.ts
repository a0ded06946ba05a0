import { Injectable } from '@nestjs/common';
import { Clock } from '@app/shared';
import { GrantRepository } from '../infrastructure/grant.repository.js';
import { OrganizationsService } from '@app/members';

export interface ConnectedClient {
  grantId: string;
  clientId: string;
  clientName: string;
  organizationName: string;
  scope: string;
  connectedAt: Date;
  lastUsedAt: Date | null;
}

/** The MCP clients a user has allowed (live grants), for the account page. */
@Injectable()
export class ConnectedClientsService {
  constructor(
    private readonly grants: GrantRepository,
    private readonly organizations: OrganizationsService,
    private readonly clock: Clock,
  ) {}

  async list(userId: string): Promise<ConnectedClient[]> {
    const [grants, memberships] = await Promise.all([this.grants.listLiveForUser(userId), this.organizations.listForUser(userId)]);
    const orgNames = new Map(memberships.map((m) => [m.organization.id, m.organization.name]));
    return grants.map((g) => ({
      grantId: g.id,
      clientId: g.client.id,
      clientName: g.client.clientName,
      organizationName: orgNames.get(g.orgId) ?? 'an organization you have left',
      scope: g.scope,
      connectedAt: g.createdAt,
      lastUsedAt: g.lastUsedAt,
    }));
  }

  /** Takes effect at the client's next MCP request: the gateway rechecks the grant every time. */
  revoke(userId: string, grantId: string): Promise<boolean> {
    return this.grants.revokeForUser(grantId, userId, this.clock.now());
  }
}
