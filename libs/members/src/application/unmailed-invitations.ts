import { Injectable } from '@nestjs/common';
import { AuditLog, Clock, hashSecret, newSecret, TransactionRunner } from '@app/shared';
import { InvitationRepository } from '../infrastructure/invitation.repository.js';
import { InvitationMailer } from './invitation-mailer.js';

const BATCH = 50;

/**
 * Pending invitations made when links were handed to the inviter have no mail: each gets a new link
 * (the one the inviter holds dies) mailed to the invitee, once. Each runs in its own transaction on the
 * locked row and only while it still has no message, so a second run, or another instance, sends nothing again.
 */
@Injectable()
export class UnmailedInvitations {
  constructor(
    private readonly invitations: InvitationRepository,
    private readonly mailer: InvitationMailer,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /** Returns how many invitations were mailed. */
  async mailAll(): Promise<number> {
    let mailed = 0;
    for (;;) {
      const ids = await this.invitations.findUnmailedIds(this.clock.now(), BATCH);
      for (const id of ids) if (await this.mailOne(id)) mailed++;
      if (ids.length < BATCH) break;
    }
    if (mailed > 0) this.mailer.deliverSoon();
    return mailed;
  }

  private mailOne(id: string): Promise<boolean> {
    return this.transactions.run(async (tx) => {
      const now = this.clock.now();
      const invitation = await this.invitations.lockById(tx, id);
      if (!invitation || invitation.status !== 'pending' || invitation.expiresAt <= now || invitation.outboxMessageId !== null) return false;
      const token = newSecret();
      // The expiry stays: only the way the link reaches the invitee changes.
      await this.invitations.rotate(tx, id, { tokenHash: hashSecret(token), expiresAt: invitation.expiresAt });
      await this.mailer.send(tx, id, token);
      await this.audit.record(
        { orgId: invitation.orgId, userId: null, membershipId: null, clientId: 'server:invitation-mail' },
        { action: 'invitation.mailed', targetType: 'invitation', targetId: id, details: { email: invitation.email, reason: 'link no longer handed to the inviter' } },
        tx,
      );
      return true;
    });
  }
}
