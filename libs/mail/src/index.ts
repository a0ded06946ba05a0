export { MailModule } from './mail.module.js';
export { Outbox, type MailDelivery, type QueuedMail } from './application/outbox.js';
export { OutboxSender } from './application/outbox-sender.js';
export { OutboxListing, type OutboxEntry } from './application/outbox-listing.js';
export { composeMail, escapeMailHtml, formatExpiry, type MailContent } from './domain/compose-mail.js';
export { DELIVERY_GIVE_UP_MS, retryDelayMs, type OutgoingMail, type OutboxStatus } from './domain/mail-message.js';
