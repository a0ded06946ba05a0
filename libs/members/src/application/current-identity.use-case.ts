import { Injectable } from '@nestjs/common';
import { AccountsService } from '@app/identity';
import { ClientRepository } from '@app/oauth';
import type { Principal } from '@app/shared';
import { OrganizationRepository } from '../infrastructure/organization.repository.js';

export interface CurrentIdentity {
  organization: { id: string; name: string; slug: string; plan: string };
  account: { id: string; email: string; name: string };
  role: string;
  permissions: string[];
  grantedScopes: string[];
  client: { id: string; name: string };
}

@Injectable()
export class CurrentIdentityUseCase {
  constructor(
    private readonly organizations: OrganizationRepository,
    private readonly accounts: AccountsService,
    private readonly clients: ClientRepository,
  ) {}

  async execute(principal: Principal): Promise<CurrentIdentity> {
    const [org, account, client] = await Promise.all([
      this.organizations.findById(principal.orgId),
      this.accounts.findById(principal.userId),
      this.clients.findById(principal.clientId),
    ]);
    // The gateway's recheck just saw the membership; these rows existing is part of that invariant.
    if (!org || !account) throw new Error(`Principal without organization or account (org ${principal.orgId})`);
    return {
      organization: { id: org.id, name: org.name, slug: org.slug, plan: org.plan },
      account: { id: account.id, email: account.email, name: account.name },
      role: principal.role,
      permissions: [...principal.permissions].sort(),
      grantedScopes: [...principal.scopes].sort(),
      client: { id: principal.clientId, name: client?.clientName ?? principal.clientId },
    };
  }
}
