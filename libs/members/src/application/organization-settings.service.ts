import { Injectable } from '@nestjs/common';
import { assertPermission } from '@app/access';
import { memberPermissions as can } from '../members.permissions.js';
import { AppConfig, AuditLog, Clock, displayName, InvalidInputError, NotFoundError, TransactionRunner, type Principal } from '@app/shared';
import { BILLING_RULE } from '../domain/members.errors.js';
import { normalizeEmailDomains } from '../domain/organization-rules.js';
import { OrganizationRepository, type ConfirmationPolicy, type OrganizationRecord } from '../infrastructure/organization.repository.js';

export interface OrganizationView {
  id: string;
  name: string;
  slug: string;
  plan: string;
  seatLimit: number;
  seatsUsed: number;
  seatsAvailable: number;
  billingRule: string;
  billingUrl: string;
  allowedEmailDomains: string[];
  confirmRiskyChanges: ConfirmationPolicy;
  createdAt: string;
}

@Injectable()
export class OrganizationSettingsService {
  constructor(
    private readonly organizations: OrganizationRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async get(principal: Principal): Promise<OrganizationView> {
    assertPermission(principal, can.get_organization);
    const org = await this.organizations.findById(principal.orgId);
    if (!org) throw new NotFoundError('organization', principal.orgId);
    return this.view(org, await this.organizations.seatsUsed(org.id, this.clock.now()));
  }

  async update(principal: Principal, input: { name?: string; confirmRiskyChanges?: ConfirmationPolicy }): Promise<OrganizationView> {
    assertPermission(principal, can.update_organization);
    if (input.name === undefined && input.confirmRiskyChanges === undefined) {
      throw new InvalidInputError('Nothing to change: pass name or confirmRiskyChanges.', [{ path: 'name', message: 'pass name or confirmRiskyChanges' }]);
    }
    const name = input.name === undefined ? undefined : displayName(input.name);
    const policy = input.confirmRiskyChanges;
    const org = await this.transactions.run(async (tx) => {
      const before = await this.organizations.lock(tx, principal.orgId);
      if (!before) throw new NotFoundError('organization', principal.orgId);
      const after = await this.organizations.update(tx, before.id, { name, confirmRiskyChanges: policy });
      await this.audit.record(
        principal,
        {
          action: 'organization.updated',
          targetType: 'organization',
          targetId: before.id,
          details: {
            before: { name: before.name, confirmRiskyChanges: before.confirmRiskyChanges },
            after: { name: after.name, confirmRiskyChanges: after.confirmRiskyChanges },
          },
        },
        tx,
      );
      return after;
    });
    return this.view(org, await this.organizations.seatsUsed(org.id, this.clock.now()));
  }

  async updateAllowedEmailDomains(principal: Principal, input: { set?: string[]; add?: string[]; remove?: string[] }): Promise<OrganizationView> {
    assertPermission(principal, can.update_allowed_email_domains);
    if (input.set === undefined && !input.add?.length && !input.remove?.length) {
      throw new InvalidInputError('Nothing to change: pass set, add or remove.', [{ path: 'add', message: 'pass set, add or remove' }]);
    }
    const set = input.set === undefined ? undefined : normalizeEmailDomains(input.set, 'set');
    const add = normalizeEmailDomains(input.add ?? [], 'add');
    const remove = normalizeEmailDomains(input.remove ?? [], 'remove');
    const org = await this.transactions.run(async (tx) => {
      const before = await this.organizations.lock(tx, principal.orgId);
      if (!before) throw new NotFoundError('organization', principal.orgId);
      const domains = [...new Set([...(set ?? before.allowedEmailDomains), ...add])].filter((d) => !remove.includes(d)).sort();
      const after = await this.organizations.update(tx, before.id, { allowedEmailDomains: domains });
      await this.audit.record(
        principal,
        { action: 'organization.allowed_email_domains_updated', targetType: 'organization', targetId: before.id, details: { before: before.allowedEmailDomains, after: domains } },
        tx,
      );
      return after;
    });
    return this.view(org, await this.organizations.seatsUsed(org.id, this.clock.now()));
  }

  private view(org: OrganizationRecord, seatsUsed: number): OrganizationView {
    return {
      id: org.id,
      name: org.name,
      slug: org.slug,
      plan: org.plan,
      seatLimit: org.seatLimit,
      seatsUsed,
      seatsAvailable: Math.max(0, org.seatLimit - seatsUsed),
      billingRule: BILLING_RULE,
      billingUrl: this.config.billingUrl,
      allowedEmailDomains: org.allowedEmailDomains,
      confirmRiskyChanges: org.confirmRiskyChanges === 'never' ? 'never' : 'always',
      createdAt: org.createdAt.toISOString(),
    };
  }
}
