/** What a context hands to the outbox: one message to one address. */
export interface OutgoingMail {
  /** What the message is about (`verify_email`, `reset_password`, `invitation`, …), for listings and metrics. */
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The live link the message carries: shown by `mail:outbox` while valid; the body is dropped when it expires. */
  link?: { url: string; expiresAt: Date };
}

/** The sealed part of an outbox row: the body until the message is sent, then only the link until it expires. */
export interface SealedBody {
  text?: string;
  html?: string;
  link?: string;
}

export const OUTBOX_SEAL_CONTEXT = 'outbox:payload';

export const OUTBOX_STATUSES = ['queued', 'sending', 'sent', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

// A refused message is retried for at least this long after it was queued before it is marked failed.
export const DELIVERY_GIVE_UP_MS = 24 * 60 * 60 * 1000;
// Retries start quickly (a brief outage costs seconds) and back off to a steady half-hour.
const FIRST_RETRY_MS = 2_000;
const LONGEST_RETRY_MS = 30 * 60 * 1000;

export function retryDelayMs(attempts: number): number {
  return Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, Math.min(attempts - 1, 20)));
}

/** SMTP 5xx is the server saying "never"; anything else (4xx, a refused connection, a timeout) is worth retrying. */
export function isPermanentRefusal(responseCode: number | undefined): boolean {
  return responseCode !== undefined && responseCode >= 500 && responseCode < 600;
}
