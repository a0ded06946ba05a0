import { Injectable } from '@nestjs/common';
import { assertPermission } from '@app/access';
import { memberPermissions as can } from '../members.permissions.js';
import { normalizeEmail } from '@app/identity';
import {
  AppConfig,
  AuditLog,
  Clock,
  decodeCursor,
  hashSecret,
  newSecret,
  NotFoundError,
  pickReference,
  REFERENCE,
  ReferenceResolver,
  toPage,
  type Page,
  type Principal,
  TransactionRunner,
  type TransactionClient,
} from '@app/shared';
import type { MailDelivery } from '@app/mail';
import { AlreadyMemberError, InvitationNotPendingError } from '../domain/members.errors.js';
import { assertEmailDomainAllowed, assertSeatAvailable, effectiveStatus, INVITATION_LIFETIME_MS, mergeTeamIds, nextResentAt, type InvitationStatus } from '../domain/invitation-rules.js';
import { assertCanGrantRole, assertCanManageMember } from '../domain/role-rules.js';
import { InvitationRepository, type InvitationRecord } from '../infrastructure/invitation.repository.js';
import { MembershipRepository } from '../infrastructure/membership.repository.js';
import { OrganizationRepository } from '../infrastructure/organization.repository.js';
import { InvitationMailer } from './invitation-mailer.js';
import { RolesService } from './roles.service.js';
import { invitationView, type InvitationView } from './views.js';

export interface InviteResult {
  invitation: InvitationView;
  refreshed: boolean;
  /** The invitation email: just queued for a new link; for an updated pending invitation, its latest one as it stands. */
  delivery: MailDelivery | null;
}

export interface ResendResult {
  invitation: InvitationView;
  delivery: MailDelivery;
}

export type InvitationListItem = InvitationView & { delivery: MailDelivery | null };

export interface InviteInput {
  email: string;
  role?: string;
  teams?: string[];
  replaceTeams?: boolean;
}

export interface UpdateInvitationInput {
  invitation: string;
  role?: string;
  addTeams?: string[];
  removeTeams?: string[];
}

@Injectable()
export class InvitationsService {
  constructor(
    private readonly invitations: InvitationRepository,
    private readonly memberships: MembershipRepository,
    private readonly organizations: OrganizationRepository,
    private readonly roles: RolesService,
    private readonly mailer: InvitationMailer,
    private readonly references: ReferenceResolver,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /**
   * A new invitation, mailed to the invitee in the same transaction, or — for an address with a pending
   * one — that invitation updated in place: an omitted role keeps its role, given teams are added
   * (replaced with replaceTeams), and its link, expiry and mail stay as they are; nothing is sent.
   */
  async invite(principal: Principal, input: InviteInput): Promise<InviteResult> {
    assertPermission(principal, can.invite_member);
    const { result, mailed } = await this.inviteInTransaction(principal, input);
    if (mailed) this.mailer.deliverSoon();
    return result;
  }

  private inviteInTransaction(principal: Principal, input: InviteInput): Promise<{ result: InviteResult; mailed: boolean }> {
    const orgId = principal.orgId;
    const email = normalizeEmail(input.email);
    return this.transactions.run(async (tx) => {
      // Everything below sees a stable seat count: concurrent invitations to this org wait here.
      const org = await this.organizations.lock(tx, orgId);
      if (!org) throw new NotFoundError('organization', orgId);
      const role = input.role === undefined ? null : await this.roles.resolve(orgId, input.role, tx);
      if (role) assertCanGrantRole(principal, role);
      const teams = await this.references.resolveAll(orgId, REFERENCE.team, input.teams ?? [], {}, tx);
      assertEmailDomainAllowed(email, org.allowedEmailDomains, { canAllowDomains: principal.permissions.has('org:manage') });
      const member = await this.memberships.findByEmail(orgId, email, tx);
      if (member) throw new AlreadyMemberError(email, member.id);

      const now = this.clock.now();
      const pending = await this.invitations.findPendingByEmail(orgId, email, tx);
      // Re-inviting rewrites the pending invitation: the same rule as changing a member's role.
      if (pending) await this.assertMayChange(principal, pending, tx);
      if (pending && pending.expiresAt > now) {
        const updated = await this.change(principal, pending, { role, teamIds: mergeTeamIds(pending.teamIds, { add: teams.map((t) => t.id), replace: input.replaceTeams }) }, tx);
        const [delivery] = await this.mailer.deliveries([updated], tx);
        return { result: { invitation: invitationView(updated, now), refreshed: true, delivery: delivery ?? null }, mailed: false };
      }
      assertSeatAvailable(org, await this.organizations.seatsUsed(orgId, now, tx), this.config.billingUrl, { isOwner: principal.role === 'owner' });

      // No invitation, or one whose link has expired: a new link is the only way in.
      const token = newSecret();
      const data = {
        role: role?.key ?? 'member',
        teamIds: teams.map((t) => t.id),
        tokenHash: hashSecret(token),
        invitedByUserId: principal.userId,
        expiresAt: new Date(now.getTime() + INVITATION_LIFETIME_MS),
      };
      const invitation = pending ? await this.invitations.refresh(tx, pending.id, data) : await this.invitations.create(tx, { orgId, email, ...data });
      const delivery = await this.mailer.send(tx, invitation.id, token);
      await this.audit.record(
        principal,
        {
          action: pending ? 'invitation.refreshed' : 'invitation.created',
          targetType: 'invitation',
          targetId: invitation.id,
          details: { email, role: data.role, teamIds: data.teamIds },
        },
        tx,
      );
      // The link exists only in the queued mail: the inviter never holds it.
      return { result: { invitation: invitationView(invitation, now), refreshed: pending !== null, delivery }, mailed: true };
    });
  }

  /** Changes a pending invitation's role or teams; never its link, its expiry or anything mailed. */
  async update(principal: Principal, input: UpdateInvitationInput): Promise<{ invitation: InvitationView; changed: boolean }> {
    assertPermission(principal, can.update_invitation);
    const orgId = principal.orgId;
    return this.transactions.run(async (tx) => {
      await this.organizations.lock(tx, orgId);
      const now = this.clock.now();
      const current = await this.pending(orgId, input.invitation, now, tx);
      const role = input.role === undefined ? null : await this.roles.resolve(orgId, input.role, tx);
      if (role) assertCanGrantRole(principal, role);
      const add = await this.references.resolveAll(orgId, REFERENCE.team, input.addTeams ?? [], {}, tx);
      const remove = await this.references.resolveAll(orgId, REFERENCE.team, input.removeTeams ?? [], {}, tx);
      const teamIds = mergeTeamIds(current.teamIds, { add: add.map((t) => t.id), remove: remove.map((t) => t.id) });
      const changed = (role !== null && role.key !== current.role) || teamIds.length !== current.teamIds.length || teamIds.some((id, i) => id !== current.teamIds[i]);
      await this.assertMayChange(principal, current, tx);
      if (!changed) {
        return { invitation: invitationView(current, now), changed: false };
      }
      const updated = await this.change(principal, current, { role, teamIds }, tx);
      return { invitation: invitationView(updated, now), changed: true };
    });
  }

  async list(principal: Principal, input: { cursor?: string; limit?: number; status?: InvitationStatus; query?: string }): Promise<Page<InvitationListItem>> {
    assertPermission(principal, can.list_invitations);
    const page = decodeCursor(input);
    const now = this.clock.now();
    const rows = await this.invitations.list(principal.orgId, page, { status: input.status, query: input.query, now });
    const deliveries = new Map((await this.mailer.deliveries(rows)).map((delivery, i) => [rows[i]!.id, delivery]));
    return toPage(rows, page, (row) => ({ ...invitationView(row, now), delivery: deliveries.get(row.id) ?? null }));
  }

  /**
   * A new link for a pending invitation, mailed to the invitee: the old link dies at once and the new one
   * has a full lifetime. At most RESEND_LIMIT an hour per invitation; the same rule as changing it.
   */
  async resend(principal: Principal, input: { invitation?: string; invitationId?: string }): Promise<ResendResult> {
    assertPermission(principal, can.resend_invitation);
    const reference = pickReference(input, 'invitation', 'invitationId');
    const result = await this.transactions.run(async (tx) => {
      const now = this.clock.now();
      const byId = await this.invitations.findById(principal.orgId, reference, tx);
      const found = byId ?? (await this.pending(principal.orgId, reference, now, tx));
      // Concurrent resends of one invitation count one after the other.
      const invitation = (await this.invitations.lockById(tx, found.id))!;
      await this.assertMayChange(principal, invitation, tx);
      const status = effectiveStatus(invitation, now);
      if (status !== 'pending') throw new InvitationNotPendingError(invitation.id, status, 'resent');
      const resentAt = nextResentAt(invitation.id, invitation.resentAt, now);
      const token = newSecret();
      const rotated = await this.invitations.rotate(tx, invitation.id, { tokenHash: hashSecret(token), expiresAt: new Date(now.getTime() + INVITATION_LIFETIME_MS), resentAt });
      const delivery = await this.mailer.send(tx, invitation.id, token);
      await this.audit.record(
        principal,
        { action: 'invitation.resent', targetType: 'invitation', targetId: invitation.id, details: { email: invitation.email, expiresAt: rotated.expiresAt.toISOString() } },
        tx,
      );
      return { invitation: invitationView(rotated, now), delivery };
    });
    this.mailer.deliverSoon();
    return result;
  }

  async revoke(principal: Principal, input: { invitation?: string; invitationId?: string }): Promise<InvitationView> {
    assertPermission(principal, can.revoke_invitation);
    const reference = pickReference(input, 'invitation', 'invitationId');
    return this.transactions.run(async (tx) => {
      const now = this.clock.now();
      // By id any invitation is found (so a revoked one says so); by email only a pending one.
      const byId = await this.invitations.findById(principal.orgId, reference, tx);
      const invitation = byId ?? (await this.pending(principal.orgId, reference, now, tx));
      const status = effectiveStatus(invitation, now);
      if (status !== 'pending') throw new InvitationNotPendingError(invitation.id, status);
      assertCanManageMember(principal, await this.roles.resolve(principal.orgId, invitation.role, tx), `revoke an invitation for the ${invitation.role} role`);
      const revoked = await this.invitations.setStatus(tx, invitation.id, 'revoked');
      await this.mailer.withdraw(tx, invitation, 'the invitation was revoked');
      await this.audit.record(principal, { action: 'invitation.revoked', targetType: 'invitation', targetId: invitation.id, details: { email: invitation.email, role: invitation.role } }, tx);
      return invitationView(revoked, now);
    });
  }

  /** A pending invitation by id or email, for describing a change before it is made. */
  findPending(orgId: string, reference: string): Promise<InvitationRecord> {
    return this.pending(orgId, reference, this.clock.now());
  }

  /** A pending invitation by id or email; one that is no longer pending says what it is. */
  private async pending(orgId: string, reference: string, now: Date, tx?: TransactionClient): Promise<InvitationRecord> {
    const found = await this.references.lookup(orgId, REFERENCE.invitation, reference, { now }, tx);
    if ('found' in found) {
      const invitation = await this.invitations.findById(orgId, found.found.id, tx);
      if (invitation) return invitation;
    }
    const byId = 'missing' in found ? await this.invitations.findById(orgId, reference.trim(), tx) : null;
    if (byId) throw new InvitationNotPendingError(byId.id, effectiveStatus(byId, now), 'changed');
    throw await this.references.failure(orgId, REFERENCE.invitation, reference, found, { now }, tx);
  }

  /** A pending invitation is changed only by someone who could change the member it would make. */
  private async assertMayChange(principal: Principal, invitation: InvitationRecord, tx: TransactionClient): Promise<void> {
    assertCanManageMember(principal, await this.roles.resolve(invitation.orgId, invitation.role, tx), `change an invitation for the ${invitation.role} role`);
  }

  /** The one write of a pending invitation's role and teams; the caller has passed assertMayChange. */
  private async change(principal: Principal, current: InvitationRecord, next: { role: { key: string } | null; teamIds: string[] }, tx: TransactionClient): Promise<InvitationRecord> {
    const role = next.role?.key ?? current.role;
    const updated = await this.invitations.update(tx, current.id, { role, teamIds: next.teamIds });
    await this.audit.record(
      principal,
      {
        action: 'invitation.updated',
        targetType: 'invitation',
        targetId: current.id,
        details: { email: current.email, before: { role: current.role, teamIds: current.teamIds }, after: { role, teamIds: next.teamIds } },
      },
      tx,
    );
    return updated;
  }
}
