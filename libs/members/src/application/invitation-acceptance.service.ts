import { Injectable } from '@nestjs/common';
import { isBuiltInRole } from '@app/access';
import { AccountsService, normalizeEmail, type Account } from '@app/identity';
import { AuditLog, Clock, hashSecret, TransactionRunner, type AuditActor, type TransactionClient } from '@app/shared';
import { InvitationSignInRequiredError, InvitationUnusableError, InvitationWrongAccountError } from '../domain/members.errors.js';
import { effectiveStatus } from '../domain/invitation-rules.js';
import { InvitationRepository } from '../infrastructure/invitation.repository.js';
import { MembershipRepository } from '../infrastructure/membership.repository.js';
import { RoleRepository } from '../infrastructure/role.repository.js';

export interface InvitationPreview {
  organizationName: string;
  inviterName: string | null;
  email: string;
  role: string;
  expiresAt: Date;
  accountExists: boolean;
}

export interface AcceptedInvitation {
  organizationName: string;
  email: string;
  role: string;
  teamIds: string[];
  membershipId: string;
}

const MAX_TOKEN_LENGTH = 200;

// The invitee is not signed in to the org yet; the audit entry names them as the actor on the web page.
function inviteeActor(orgId: string, userId: string, membershipId: string): AuditActor {
  return { orgId, userId, membershipId, clientId: 'web:invitation' };
}

@Injectable()
export class InvitationAcceptanceService {
  constructor(
    private readonly invitations: InvitationRepository,
    private readonly memberships: MembershipRepository,
    private readonly roles: RoleRepository,
    private readonly accounts: AccountsService,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async preview(token: string): Promise<InvitationPreview> {
    if (!token || token.length > MAX_TOKEN_LENGTH) throw new InvitationUnusableError('unknown');
    const invitation = await this.invitations.findByTokenHash(hashSecret(token));
    if (!invitation) throw new InvitationUnusableError('unknown');
    const status = effectiveStatus(invitation, this.clock.now());
    if (status !== 'pending') throw new InvitationUnusableError(status);
    return {
      organizationName: invitation.organization.name,
      inviterName: invitation.inviter?.name ?? null,
      email: invitation.email,
      role: invitation.role,
      expiresAt: invitation.expiresAt,
      accountExists: (await this.accounts.findByEmail(invitation.email)) !== null,
    };
  }

  /**
   * Joins as the signed-in account when it is the invited address's own, or creates the account when the
   * address has none. An existing account must sign in through /sign-in (rate limited, lockable): this page
   * never checks a password, so it cannot be used to guess one. Signed in as anyone else, nothing happens,
   * with one answer whether or not the address has an account.
   */
  async accept(token: string, form: { signedIn: { id: string; email: string } | null; name?: string; password?: string }): Promise<AcceptedInvitation> {
    const preview = await this.preview(token);
    if (form.signedIn) {
      if (normalizeEmail(form.signedIn.email) !== normalizeEmail(preview.email)) throw new InvitationWrongAccountError(form.signedIn.email);
      const account = await this.accounts.findById(form.signedIn.id);
      if (account) return this.join(token, preview, () => Promise.resolve(account));
    }
    if (preview.accountExists) throw new InvitationSignInRequiredError(preview.email);
    // The link came by mail to the address, so following it verifies the address. Validated and hashed
    // before the transaction; created inside it, so an account exists only with its membership.
    const prepared = await this.accounts.prepare({ email: preview.email, name: form.name ?? '', password: form.password ?? '', verified: true });
    return this.join(token, preview, (tx) => this.accounts.create(prepared, tx));
  }

  private join(token: string, preview: InvitationPreview, accountFor: (tx: TransactionClient) => Promise<Account>): Promise<AcceptedInvitation> {
    return this.transactions.run(async (tx) => {
      const invitation = await this.invitations.lockByTokenHash(tx, hashSecret(token));
      if (!invitation) throw new InvitationUnusableError('unknown');
      const now = this.clock.now();
      const status = effectiveStatus(invitation, now);
      if (status !== 'pending') throw new InvitationUnusableError(status);
      const account = await accountFor(tx);
      const orgId = invitation.orgId;
      // A custom role deleted after the invitation was sent falls back to the least-privileged built-in role.
      const role = isBuiltInRole(invitation.role) || (await this.roles.findByReference(orgId, invitation.role, tx)) ? invitation.role : 'member';
      const membership = (await this.memberships.find(orgId, account.id, tx)) ?? (await this.memberships.create(orgId, account.id, role, tx));
      const teamIds = await this.memberships.joinTeams(tx, orgId, membership.id, invitation.teamIds);
      await this.invitations.markAccepted(tx, invitation.id, account.id, now);
      await this.audit.record(
        inviteeActor(orgId, account.id, membership.id),
        { action: 'invitation.accepted', targetType: 'invitation', targetId: invitation.id, details: { email: invitation.email, role: membership.role, teamIds } },
        tx,
      );
      return { organizationName: preview.organizationName, email: account.email, role: membership.role, teamIds, membershipId: membership.id };
    });
  }
}
