import { Injectable } from '@nestjs/common';
import { Clock, SecretBox } from '@app/shared';
import { OUTBOX_SEAL_CONTEXT, type OutboxStatus, type SealedBody } from '../domain/mail-message.js';
import { OutboxRepository } from '../infrastructure/outbox.repository.js';

export interface OutboxEntry {
  id: string;
  messageId: string;
  kind: string;
  to: string;
  subject: string;
  status: OutboxStatus;
  attempts: number;
  /** The SMTP server's last answer (or where the .eml was written). */
  lastReply: string | null;
  createdAt: Date;
  sentAt: Date | null;
  /** Only while the link in the message is still valid. */
  link: string | null;
}

/** What operators see of the outbox (`mail:outbox`): who, what, where it stands, and a live link. */
@Injectable()
export class OutboxListing {
  constructor(
    private readonly repository: OutboxRepository,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  async recent(limit = 50): Promise<OutboxEntry[]> {
    const now = this.clock.now();
    const rows = await this.repository.listRecent(Math.min(Math.max(limit, 1), 500));
    return rows.map((row) => {
      const live = row.payload && row.linkExpiresAt && row.linkExpiresAt > now;
      const link = live ? ((JSON.parse(this.box.open(row.payload!, OUTBOX_SEAL_CONTEXT)) as SealedBody).link ?? null) : null;
      return {
        id: row.id,
        messageId: row.messageId,
        kind: row.kind,
        to: row.recipient,
        subject: row.subject,
        status: row.status,
        attempts: row.attempts,
        lastReply: row.lastReply,
        createdAt: row.createdAt,
        sentAt: row.sentAt,
        link,
      };
    });
  }
}
