import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './test-app.js';

export interface ReceivedMail {
  messageId: string;
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  /** Every http(s) link in the plain-text part. */
  links: string[];
}

type Refusal = { code: number; message: string };

/**
 * A real SMTP server on a loopback port (no TLS, no auth), keeping what it receives. It can be stopped
 * and started again on the same port (an outage) and told to refuse the next messages.
 */
export class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  /**
   * A slow server: each message is kept (as accepted) this long after its data arrived, before the 250
   * reply. A client that dies meanwhile never learns it was delivered.
   */
  answerDelayMs = 0;
  /** The longest time from a client's connection to the answer to its message: what one send costs. */
  longestSendMs = 0;
  private readonly connectedAt = new Map<string, number>();
  private server: SMTPServer | undefined;
  private refusals: Refusal[] = [];
  private waiters: (() => void)[] = [];

  private constructor(readonly port: number) {}

  static async start(): Promise<TestSmtpServer> {
    const smtp = new TestSmtpServer(await freePort());
    await smtp.listen();
    return smtp;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The next `count` messages are refused at RCPT TO with this SMTP reply. */
  refuseNext(count: number, code: number, message: string): void {
    for (let i = 0; i < count; i++) this.refusals.push({ code, message });
  }

  async listen(): Promise<void> {
    const server = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      authOptional: true,
      logger: false,
      onConnect: (session, callback) => {
        this.connectedAt.set(session.id, performance.now());
        callback();
      },
      onClose: (session) => {
        this.connectedAt.delete(session.id);
      },
      onRcptTo: (_address, _session, callback) => {
        const refusal = this.refusals.shift();
        if (!refusal) return callback();
        const error = new Error(refusal.message) as Error & { responseCode: number };
        error.responseCode = refusal.code;
        callback(error);
      },
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then(async (mail) => {
            this.received.push(toReceived(mail));
            if (this.answerDelayMs) await new Promise((resolve) => setTimeout(resolve, this.answerDelayMs));
            this.longestSendMs = Math.max(this.longestSendMs, performance.now() - (this.connectedAt.get(session.id) ?? performance.now()));
            this.waiters.splice(0).forEach((wake) => wake());
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Waits for a message matching `match` (received before or after the call). */
  async waitFor(match: (mail: ReceivedMail) => boolean, timeoutMs = 15_000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`No matching mail within ${timeoutMs} ms; received: ${this.received.map((m) => `${m.to} "${m.subject}"`).join(', ') || 'nothing'}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.to === address);
  }
}

function toReceived(mail: ParsedMail): ReceivedMail {
  const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
  const text = mail.text ?? '';
  return {
    messageId: mail.messageId ?? '',
    to: to?.value[0]?.address ?? '',
    from: mail.from?.text ?? '',
    subject: mail.subject ?? '',
    text,
    html: typeof mail.html === 'string' ? mail.html : '',
    links: [...text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0].replace(/[.,)]+$/, '')),
  };
}

/** The link in a received message that starts with `prefix`. */
export function linkIn(mail: ReceivedMail, prefix: string): string {
  const link = mail.links.find((l) => l.startsWith(prefix));
  if (!link) throw new Error(`No link starting with ${prefix} in:\n${mail.text}`);
  return link;
}

/**
 * The link starting with `prefix` in the latest mail to `to`, once at least `count` mails to that address
 * (with `about` in the subject, when given) have arrived: a resent link is told from the first by counting.
 */
export async function latestLinkTo(smtp: TestSmtpServer, to: string, prefix: string, options: { about?: string; count?: number } = {}): Promise<string> {
  const matching = () => smtp.to(to).filter((m) => options.about === undefined || m.subject.includes(options.about));
  await smtp.waitFor(() => matching().length >= (options.count ?? 1));
  return linkIn(matching().at(-1)!, prefix);
}

/** The invitation link in the latest invitation mail to `to` (see latestLinkTo). */
export function invitationLinkTo(smtp: TestSmtpServer, app: { url: string }, to: string, options: { org?: string; count?: number } = {}): Promise<string> {
  return latestLinkTo(smtp, to, `${app.url}/invitations/`, { about: options.org, count: options.count });
}
