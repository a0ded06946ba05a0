import { Injectable } from '@nestjs/common';
import { BUILT_IN_ROLES } from '@app/access';
import { AccountsService } from '@app/identity';
import { Clock, displayName, type TransactionClient } from '@app/shared';
import {
  assertSeatLimit,
  DEFAULT_PLAN,
  DEFAULT_SEAT_LIMIT,
  normalizeEmailDomains,
  organizationSlug,
} from '../domain/organization-rules.js';
import { AlreadyMemberError, OrganizationNotFoundError, UnknownRoleError } from '../domain/members.errors.js';
import { MembershipRepository } from '../infrastructure/membership.repository.js';
import { OrganizationRepository, type ConfirmationPolicy, type OrganizationRecord } from '../infrastructure/organization.repository.js';

export interface SeatUsage {
  name: string;
  slug: string;
  plan: string;
  role: string;
  seatLimit: number;
  seatsUsed: number;
}

// Operator-level operations (CLI, seeding): they act on behalf of the system, not of a member.
@Injectable()
export class OrganizationsService {
  constructor(
    private readonly organizations: OrganizationRepository,
    private readonly memberships: MembershipRepository,
    private readonly accounts: AccountsService,
    private readonly clock: Clock,
  ) {}

  async create(input: { name: string; ownerEmail: string; seats?: number; plan?: string; allowedDomains?: string[]; confirmRiskyChanges?: ConfirmationPolicy }): Promise<OrganizationRecord> {
    const name = displayName(input.name);
    const owner = await this.accounts.getByEmail(input.ownerEmail);
    return this.organizations.createWithOwner(
      {
        name,
        baseSlug: organizationSlug(name),
        plan: input.plan?.trim() || DEFAULT_PLAN,
        seatLimit: assertSeatLimit(input.seats ?? DEFAULT_SEAT_LIMIT, 'seats'),
        allowedEmailDomains: normalizeEmailDomains(input.allowedDomains ?? [], 'allowed-domains'),
        confirmRiskyChanges: input.confirmRiskyChanges ?? 'always',
      },
      owner.id,
    );
  }

  /** A new organization with its first owner, inside the caller's transaction (first-run setup, sign-up). */
  createForOwner(tx: TransactionClient, input: { name: string; ownerUserId: string }): Promise<OrganizationRecord> {
    const name = displayName(input.name, { field: 'organization name' });
    return this.organizations.createWithOwnerIn(
      tx,
      { name, baseSlug: organizationSlug(name), plan: DEFAULT_PLAN, seatLimit: DEFAULT_SEAT_LIMIT, allowedEmailDomains: [] },
      input.ownerUserId,
    );
  }

  /** Checks an organization name without creating anything (forms validate before they write). */
  checkName(name: string): string {
    return displayName(name, { field: 'organization name' });
  }

  async addMember(input: { orgSlug: string; email: string; role: string }) {
    const org = await this.organizations.findBySlug(input.orgSlug.trim().toLowerCase());
    if (!org) throw new OrganizationNotFoundError(input.orgSlug);
    const roles = [...Object.keys(BUILT_IN_ROLES), ...(await this.memberships.customRoleKeys(org.id))];
    if (!roles.includes(input.role)) throw new UnknownRoleError(input.role, roles);
    const user = await this.accounts.getByEmail(input.email);
    const existing = await this.memberships.find(org.id, user.id);
    if (existing) throw new AlreadyMemberError(user.email, existing.id);
    return this.memberships.create(org.id, user.id, input.role);
  }

  findBySlug(slug: string) {
    return this.organizations.findBySlug(slug);
  }

  /** Plan and seat use of each of a user's organizations, for the billing page. */
  async seatUsageForUser(userId: string): Promise<SeatUsage[]> {
    const memberships = await this.organizations.listForUser(userId);
    const now = this.clock.now();
    return Promise.all(
      memberships.map(async ({ role, organization: org }) => ({
        name: org.name,
        slug: org.slug,
        plan: org.plan,
        role,
        seatLimit: org.seatLimit,
        seatsUsed: await this.organizations.seatsUsed(org.id, now),
      })),
    );
  }

  /** The organizations a user belongs to, for the consent page and the desktop path. */
  listForUser(userId: string) {
    return this.organizations.listForUser(userId);
  }

  findById(orgId: string) {
    return this.organizations.findById(orgId);
  }
}
