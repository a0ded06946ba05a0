import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig, Clock, SecretBox, type Db, type TransactionClient } from '@app/shared';
import { OUTBOX_SEAL_CONTEXT, type OutboxStatus, type OutgoingMail, type SealedBody } from '../domain/mail-message.js';
import { OutboxRepository } from '../infrastructure/outbox.repository.js';
import { OutboxSender } from './outbox-sender.js';

export interface QueuedMail {
  id: string;
  status: 'queued';
  to: string;
}

/** Where one message stands, for a context that shows its own mail's delivery. */
export interface MailDelivery {
  status: OutboxStatus;
  to: string;
}

/**
 * The only way to send mail: `enqueue(tx, mail)` writes the message in the caller's transaction, so it
 * exists exactly when what caused it commits. Delivery happens afterwards, by the sender loop.
 */
@Injectable()
export class Outbox {
  private readonly domain: string;

  constructor(
    private readonly repository: OutboxRepository,
    private readonly box: SecretBox,
    private readonly sender: OutboxSender,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.domain = new URL(config.publicUrl).hostname.replace(/^\[|\]$/g, '') || 'localhost';
  }

  async enqueue(tx: TransactionClient, mail: OutgoingMail): Promise<QueuedMail> {
    const body: SealedBody = { text: mail.text, html: mail.html, link: mail.link?.url };
    // The Message-ID is fixed here, once: every attempt and any duplicate after a crash carries the same one.
    const messageId = `<${randomUUID()}@${this.domain}>`;
    const row = await this.repository.insert(tx, {
      messageId,
      kind: mail.kind,
      recipient: mail.to,
      subject: mail.subject,
      payload: this.box.seal(JSON.stringify(body), OUTBOX_SEAL_CONTEXT),
      linkExpiresAt: mail.link?.expiresAt ?? null,
      now: this.clock.now(),
    });
    return { id: row.id, status: 'queued', to: mail.to };
  }

  /**
   * Takes back a message not yet handed to the mail server, in the caller's transaction: what it carries
   * stopped being true (a revoked invitation's link). `reason` is what `mail:outbox` shows for it.
   */
  withdraw(tx: TransactionClient, id: string, reason: string): Promise<boolean> {
    return this.repository.withdraw(tx, id, `not delivered: ${reason}`);
  }

  /** The delivery state of each message still in the outbox, by outbox id (past retention a message is absent). */
  async deliveries(ids: readonly string[], db?: Db): Promise<Map<string, MailDelivery>> {
    if (ids.length === 0) return new Map();
    const rows = await this.repository.findStatuses(ids, db);
    return new Map(rows.map((row) => [row.id, { status: row.status, to: row.recipient }]));
  }

  /** Call after the transaction that enqueued has committed: the sender looks now instead of at its next tick. */
  deliverSoon(): void {
    this.sender.wake();
  }
}
