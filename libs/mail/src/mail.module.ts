import { Module } from '@nestjs/common';
import { Outbox } from './application/outbox.js';
import { OutboxListing } from './application/outbox-listing.js';
import { OutboxSender } from './application/outbox-sender.js';
import { MailTransport } from './infrastructure/mail-transport.js';
import { OutboxRepository } from './infrastructure/outbox.repository.js';
import { OutboxRetentionRepository } from './infrastructure/outbox-retention.repository.js';

const services = [Outbox, OutboxSender, OutboxListing];
const infrastructure = [OutboxRepository, OutboxRetentionRepository, MailTransport];

@Module({ providers: [...services, ...infrastructure], exports: services })
export class MailModule {}
