import { Injectable } from '@nestjs/common';
import { assertPermission } from '@app/access';
import { memberPermissions as can } from '../members.permissions.js';
import { normalizeEmail } from '@app/identity';
import { AppConfig, AuditLog, Clock, decodeCursor, hashSecret, newSecret, NotFoundError, toPage, type Page, type Principal, TransactionRunner } from '@app/shared';
import { AlreadyMemberError, InvitationNotPendingError, UnknownTeamsError } from '../domain/members.errors.js';
import { assertEmailDomainAllowed, assertSeatAvailable, effectiveStatus, INVITATION_LIFETIME_MS, type InvitationStatus } from '../domain/invitation-rules.js';
import { assertCanGrantRole, assertCanManageMember } from '../domain/role-rules.js';
import { InvitationRepository } from '../infrastructure/invitation.repository.js';
import { MembershipRepository } from '../infrastructure/membership.repository.js';
import { OrganizationRepository } from '../infrastructure/organization.repository.js';
import { RolesService } from './roles.service.js';
import { invitationView, type InvitationView } from './views.js';

export interface InviteResult {
  invitation: InvitationView;
  acceptUrl: string;
  refreshed: boolean;
  emailSent: false;
}

@Injectable()
export class InvitationsService {
  constructor(
    private readonly invitations: InvitationRepository,
    private readonly memberships: MembershipRepository,
    private readonly organizations: OrganizationRepository,
    private readonly roles: RolesService,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async invite(principal: Principal, input: { email: string; role?: string; teams?: string[] }): Promise<InviteResult> {
    assertPermission(principal, can.invite_member);
    const orgId = principal.orgId;
    const email = normalizeEmail(input.email);
    const teamRefs = [...new Set((input.teams ?? []).map((t) => t.trim()).filter(Boolean))];
    return this.transactions.run(async (tx) => {
      // Everything below sees a stable seat count: concurrent invitations to this org wait here.
      const org = await this.organizations.lock(tx, orgId);
      if (!org) throw new NotFoundError('organization', orgId);
      const role = await this.roles.resolve(orgId, (input.role ?? 'member').trim(), tx);
      assertCanGrantRole(principal, role);
      const teams = await this.invitations.findTeams(orgId, teamRefs, tx);
      const unknown = teamRefs.filter((ref) => !teams.some((t) => t.id === ref || t.name === ref));
      if (unknown.length > 0) throw new UnknownTeamsError(unknown);
      assertEmailDomainAllowed(email, org.allowedEmailDomains);
      const member = await this.memberships.findByEmail(orgId, email, tx);
      if (member) throw new AlreadyMemberError(email, member.id);

      const now = this.clock.now();
      const pending = await this.invitations.findPendingByEmail(orgId, email, tx);
      // Re-inviting rewrites the pending invitation's role: the same rule as changing a member's role.
      if (pending) assertCanManageMember(principal, await this.roles.resolve(orgId, pending.role, tx), `change an invitation for the ${pending.role} role`);
      const holdsSeat = pending !== null && pending.expiresAt > now;
      if (!holdsSeat) assertSeatAvailable(org, await this.organizations.seatsUsed(orgId, now, tx), this.config.billingUrl);

      const token = newSecret();
      const data = {
        role: role.key,
        teamIds: teams.map((t) => t.id),
        tokenHash: hashSecret(token),
        invitedByUserId: principal.userId,
        expiresAt: new Date(now.getTime() + INVITATION_LIFETIME_MS),
      };
      const invitation = pending ? await this.invitations.refresh(tx, pending.id, data) : await this.invitations.create(tx, { orgId, email, ...data });
      await this.audit.record(
        principal,
        {
          action: pending ? 'invitation.refreshed' : 'invitation.created',
          targetType: 'invitation',
          targetId: invitation.id,
          details: { email, role: role.key, teamIds: data.teamIds },
        },
        tx,
      );
      return { invitation: invitationView(invitation, now), acceptUrl: `${this.config.publicUrl}/invitations/${token}`, refreshed: pending !== null, emailSent: false as const };
    });
  }

  async list(principal: Principal, input: { cursor?: string; limit?: number; status?: InvitationStatus; query?: string }): Promise<Page<InvitationView>> {
    assertPermission(principal, can.list_invitations);
    const page = decodeCursor(input);
    const now = this.clock.now();
    const rows = await this.invitations.list(principal.orgId, page, { status: input.status, query: input.query, now });
    return toPage(rows, page, (row) => invitationView(row, now));
  }

  async revoke(principal: Principal, input: { invitationId: string }): Promise<InvitationView> {
    assertPermission(principal, can.revoke_invitation);
    return this.transactions.run(async (tx) => {
      const now = this.clock.now();
      const invitation = await this.invitations.findById(principal.orgId, input.invitationId, tx);
      if (!invitation) throw new NotFoundError('invitation', input.invitationId, 'Call list_invitations to find the invitation id.');
      const status = effectiveStatus(invitation, now);
      if (status !== 'pending') throw new InvitationNotPendingError(invitation.id, status);
      assertCanManageMember(principal, await this.roles.resolve(principal.orgId, invitation.role, tx), `revoke an invitation for the ${invitation.role} role`);
      const revoked = await this.invitations.setStatus(tx, invitation.id, 'revoked');
      await this.audit.record(principal, { action: 'invitation.revoked', targetType: 'invitation', targetId: invitation.id, details: { email: invitation.email, role: invitation.role } }, tx);
      return invitationView(revoked, now);
    });
  }
}
