import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig, Clock, SecretBox } from '@app/shared';
import { DELIVERY_GIVE_UP_MS, isPermanentRefusal, OUTBOX_SEAL_CONTEXT, retryDelayMs, type SealedBody } from '../domain/mail-message.js';
import { MailTransport } from '../infrastructure/mail-transport.js';
import { OutboxRepository, type ClaimedMessage } from '../infrastructure/outbox.repository.js';

const POLL_INTERVAL_MS = 1_000;
// Expired links are looked for less often than due messages: it scans the delivered rows.
const SWEEP_INTERVAL_MS = 30_000;

function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/**
 * The delivery loop of each instance. Several instances share the outbox table: each claims due
 * messages under a lease (FOR UPDATE SKIP LOCKED), so one message has one sender at a time; a sender
 * that dies mid-send leaves the message to be retried once its lease lapses (at-least-once, same Message-ID).
 */
@Injectable()
export class OutboxSender implements OnModuleDestroy {
  private readonly logger = new Logger('Mail');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private lastSweepMs = 0;
  private stopped = true;
  private readonly announceFiles: boolean;
  private readonly leaseMs: number;

  constructor(
    private readonly repository: OutboxRepository,
    private readonly transport: MailTransport,
    private readonly box: SecretBox,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.announceFiles = transport.writesFiles && isLoopbackUrl(config.publicUrl);
    this.leaseMs = config.mailSendLeaseMs;
  }

  /** The server starts the loop (the CLI never does: it only lists or enqueues). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    if (this.announceFiles) this.logger.log(`No SMTP_URL: mail is written as .eml files to ${this.transport.outboxDir}`);
    this.schedule(0);
  }

  /** Ends the loop after the message in hand; a process that only seeds or inspects data stops it at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** One pass over the due messages; returns how many were attempted. */
  async runOnce(): Promise<number> {
    const now = this.clock.now();
    if (now.getTime() - this.lastSweepMs >= SWEEP_INTERVAL_MS) {
      await this.repository.dropExpiredLinks(now);
      this.lastSweepMs = now.getTime();
    }
    let attempted = 0;
    // One message per claim: each lease starts when its own send starts, so a slow SMTP server can never
    // make a lease lapse on a message still waiting in this sender's hands.
    while (!this.stopped) {
      const leaseUntil = new Date(this.clock.nowMs() + this.leaseMs);
      const [message] = await this.repository.claimDue(this.clock.now(), leaseUntil, 1);
      if (!message) break;
      await this.deliver(message, leaseUntil);
      attempted++;
    }
    return attempted;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.running) return;
    this.running = this.runOnce()
      .then(() => undefined)
      .catch((error: unknown) => this.logger.warn(`Outbox pass failed, retrying: ${(error as Error).message}`))
      .finally(() => {
        this.running = undefined;
      });
    await this.running;
    if (this.stopped) return;
    const rerun = this.again;
    this.again = false;
    this.schedule(rerun ? 0 : POLL_INTERVAL_MS);
  }

  private async deliver(message: ClaimedMessage, leaseUntil: Date): Promise<void> {
    const now = this.clock.now();
    if (!message.payload || (message.linkExpiresAt && message.linkExpiresAt <= now)) {
      await this.repository.markFailed(message.id, leaseUntil, 'not delivered: the link expired before the message could be sent');
      return;
    }
    const body = JSON.parse(this.box.open(message.payload, OUTBOX_SEAL_CONTEXT)) as SealedBody;
    if (body.text === undefined || body.html === undefined) {
      await this.repository.markFailed(message.id, leaseUntil, 'not delivered: the message body is gone');
      return;
    }
    const result = await this.transport.send({ messageId: message.messageId, to: message.recipient, subject: message.subject, text: body.text, html: body.html });
    const settledAt = this.clock.now();
    if (result.ok) {
      // The body goes; the link alone stays sealed until it expires, so `mail:outbox` can still show it.
      const linkOnly = body.link ? this.box.seal(JSON.stringify({ link: body.link } satisfies SealedBody), OUTBOX_SEAL_CONTEXT) : null;
      await this.repository.markSent(message.id, leaseUntil, result.reply, settledAt, linkOnly);
      if (this.announceFiles) this.logger.log(`Mail "${message.subject}" to ${message.recipient}: ${result.reply}`);
      return;
    }
    const gaveUp = settledAt.getTime() - message.createdAt.getTime() >= DELIVERY_GIVE_UP_MS;
    if (isPermanentRefusal(result.responseCode) || gaveUp) {
      await this.repository.markFailed(message.id, leaseUntil, result.reply);
      this.logger.warn(`Mail ${message.messageId} failed for good after ${message.attempts} attempt(s): ${result.reply}`);
      return;
    }
    await this.repository.markRetry(message.id, leaseUntil, result.reply, new Date(settledAt.getTime() + retryDelayMs(message.attempts)));
    this.logger.warn(`Mail ${message.messageId} not delivered (attempt ${message.attempts}), retrying: ${result.reply}`);
  }
}
