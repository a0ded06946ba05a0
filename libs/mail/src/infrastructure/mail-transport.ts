import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { AppConfig } from '@app/shared';

export interface Envelope {
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export type SendResult = { ok: true; reply: string } | { ok: false; reply: string; responseCode?: number };

/**
 * Delivers one message: over SMTP when SMTP_URL is set, otherwise as an .eml file in `${DATA_DIR}/outbox`
 * (development). Either way the Message-ID is the outbox row's, so a retried message is recognisably the same.
 */
@Injectable()
export class MailTransport implements OnModuleDestroy {
  readonly outboxDir: string;
  // Built at the first message: nodemailer is 40 modules a server that sends no mail never needs in memory.
  private transporter?: Promise<Transporter>;
  readonly writesFiles: boolean;

  constructor(private readonly config: AppConfig) {
    this.outboxDir = join(config.dataDir, 'outbox');
    this.writesFiles = !config.smtpUrl;
  }

  private transport(): Promise<Transporter> {
    this.transporter ??= import('nodemailer').then(({ default: nodemailer }) =>
      this.config.smtpUrl
        ? nodemailer.createTransport({ url: this.config.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as SMTPTransport.Options)
        : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }),
    );
    return this.transporter;
  }

  async send(envelope: Envelope): Promise<SendResult & { file?: string }> {
    const message = {
      from: this.config.mailFrom,
      to: envelope.to,
      subject: envelope.subject,
      text: envelope.text,
      html: envelope.html,
      messageId: envelope.messageId,
      // Nodemailer would otherwise put the transport's own host name in generated headers.
      headers: { 'Auto-Submitted': 'auto-generated' },
    };
    try {
      const info = (await (await this.transport()).sendMail(message)) as { response?: string; message?: Buffer };
      if (!this.writesFiles) return { ok: true, reply: String(info.response ?? '250 accepted').slice(0, 500) };
      mkdirSync(this.outboxDir, { recursive: true, mode: 0o700 });
      const localPart = envelope.messageId.slice(1, envelope.messageId.indexOf('@')).replace(/[^A-Za-z0-9-]/g, '');
      const file = join(this.outboxDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${localPart}.eml`);
      writeFileSync(file, info.message!, { mode: 0o600 });
      return { ok: true, reply: `written to ${file}`, file };
    } catch (error) {
      const smtp = error as { response?: string; responseCode?: number; code?: string; message?: string };
      return { ok: false, reply: String(smtp.response ?? `${smtp.code ?? 'error'}: ${smtp.message ?? 'unknown'}`).slice(0, 500), responseCode: smtp.responseCode };
    }
  }

  async onModuleDestroy(): Promise<void> {
    (await this.transporter)?.close();
  }
}
