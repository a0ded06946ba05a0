import { Injectable } from '@nestjs/common';
import { assertPermission } from '@app/access';
import type { Principal } from '@app/shared';
import { memberPermissions as can } from '../members.permissions.js';

export interface CurrentIdentity {
  organization: { id: string; name: string; slug: string; plan: string };
  account: { id: string; email: string; name: string };
  role: string;
  permissions: string[];
  grantedScopes: string[];
  client: { id: string; name: string };
}

// Everything here was read (live) by this request's access check; no further query is needed.
@Injectable()
export class CurrentIdentityUseCase {
  execute(principal: Principal): CurrentIdentity {
    assertPermission(principal, can.get_current_identity);
    return {
      organization: { ...principal.organization },
      account: { ...principal.account },
      role: principal.role,
      permissions: [...principal.permissions].sort(),
      grantedScopes: [...principal.scopes].sort(),
      client: { id: principal.clientId, name: principal.clientName },
    };
  }
}
