import { Injectable } from '@nestjs/common';
import { Outbox, type MailDelivery } from '@app/mail';
import { AppConfig, NotFoundError, type Db, type TransactionClient } from '@app/shared';
import { invitationMail } from '../domain/invitation-mail.js';
import { InvitationRepository } from '../infrastructure/invitation.repository.js';

/** The invitation link goes to the invitee's mailbox and nowhere else: it is never returned to the inviter. */
@Injectable()
export class InvitationMailer {
  constructor(
    private readonly invitations: InvitationRepository,
    private readonly outbox: Outbox,
    private readonly config: AppConfig,
  ) {}

  /** Queues the mail carrying `token` in the caller's transaction and makes it the invitation's latest message. */
  async send(tx: TransactionClient, invitationId: string, token: string): Promise<MailDelivery> {
    const invitation = await this.invitations.findWithContext(invitationId, tx);
    if (!invitation) throw new NotFoundError('invitation', invitationId);
    // The earlier link no longer opens anything: a message still waiting with it is not sent.
    await this.withdraw(tx, invitation, 'replaced by a newer invitation link');
    const queued = await this.outbox.enqueue(
      tx,
      invitationMail({
        to: invitation.email,
        organizationName: invitation.organization.name,
        inviter: invitation.inviter,
        role: invitation.role,
        url: `${this.config.publicUrl}/invitations/${token}`,
        expiresAt: invitation.expiresAt,
      }),
    );
    await this.invitations.setOutboxMessage(tx, invitationId, queued.id);
    return { status: queued.status, to: queued.to };
  }

  /** Stops the invitation's latest message if it is still queued (its link is about to stop working). */
  async withdraw(tx: TransactionClient, invitation: { outboxMessageId: string | null }, reason: string): Promise<void> {
    if (invitation.outboxMessageId) await this.outbox.withdraw(tx, invitation.outboxMessageId, reason);
  }

  /** After the transaction that sent has committed. */
  deliverSoon(): void {
    this.outbox.deliverSoon();
  }

  /** Each invitation's latest message as it stands, null when it has none (or the outbox no longer keeps it). */
  async deliveries(invitations: readonly { outboxMessageId: string | null }[], db?: Db): Promise<(MailDelivery | null)[]> {
    const ids = invitations.flatMap((i) => (i.outboxMessageId ? [i.outboxMessageId] : []));
    const found = await this.outbox.deliveries(ids, db);
    return invitations.map((i) => (i.outboxMessageId ? (found.get(i.outboxMessageId) ?? null) : null));
  }
}
