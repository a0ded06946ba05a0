import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { composeMail, Outbox, OutboxSender } from '@app/mail';
import { Clock, loadConfig, PrismaService, SecretBox, TransactionRunner } from '@app/shared';
import { commands } from '../apps/api/src/cli/commands.js';
import { linkIn, TestSmtpServer } from './support/smtp.js';
import { startTestApp, unique, type TestApp } from './support/test-app.js';

const MAIL_FROM = 'OpenWork Tests <mailer@openwork.test>';

function testMail(to: string, options: { link?: string; expiresInMs?: number; paragraph?: string } = {}) {
  return composeMail({
    kind: 'test',
    to,
    subject: `Test message for ${to}`,
    paragraphs: [options.paragraph ?? 'Hello.'],
    action: options.link ? { label: 'Open', url: options.link, expiresAt: new Date(Date.now() + (options.expiresInMs ?? 3_600_000)) } : undefined,
  });
}

async function enqueue(t: TestApp, mails: ReturnType<typeof testMail>[]): Promise<string[]> {
  const ids = await t.get(TransactionRunner).run(async (tx) => {
    const queued = [];
    for (const mail of mails) queued.push((await t.get(Outbox).enqueue(tx, mail)).id);
    return queued;
  });
  t.get(Outbox).deliverSoon();
  return ids;
}

function rows(t: TestApp, ids: string[]) {
  return t.get(PrismaService).outboxMessage.findMany({ where: { id: { in: ids } }, orderBy: { createdAt: 'asc' } });
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('mail delivery through a real SMTP server', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;

  before(async () => {
    smtp = await TestSmtpServer.start();
    t = await startTestApp({ ownDatabase: true, env: { SMTP_URL: smtp.url, MAIL_FROM } });
  });
  after(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('delivers a queued message once with the outbox Message-ID, escapes what it quotes, and keeps only the sealed link', async () => {
    const to = `${unique('m')}@example.com`;
    const link = `${t.url}/verify-email/${unique('tok')}-secretpart`;
    const [id] = await enqueue(t, [testMail(to, { link, paragraph: 'Org <script>alert(1)</script> & "friends"' })]);
    const mail = await smtp.waitFor((m) => m.to === to);
    const row = await until('sent', async () => (await rows(t, [id!])).find((r) => r.status === 'sent'));
    assert.equal(mail.messageId, row!.messageId);
    assert.match(mail.from, /^"?OpenWork Tests"? <mailer@openwork.test>$/);
    assert.equal(linkIn(mail, `${t.url}/verify-email/`), link);
    assert.ok(mail.html.includes('Org &#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;friends&#34;'), mail.html);
    assert.ok(!mail.html.includes('<script>'));
    assert.match(row!.lastReply!, /^250/);
    assert.equal(row!.attempts, 1);
    assert.ok(row!.sentAt);
    // At rest: sealed, and after sending nothing but the link is left in it.
    assert.ok(!row!.payload!.includes('secretpart'));
    assert.deepEqual(JSON.parse(t.get(SecretBox).open(row!.payload!, 'outbox:payload')), { link });
    await new Promise((r) => setTimeout(r, 1_200));
    assert.equal(smtp.to(to).length, 1);
  });

  it('keeps messages through an SMTP outage and delivers each exactly once when the server is back', async () => {
    await smtp.stop();
    const recipients = [1, 2, 3].map(() => `${unique('outage')}@example.com`);
    const ids = await enqueue(t, recipients.map((to) => testMail(to)));
    const failed = await until('first attempts refused', async () => {
      const current = await rows(t, ids);
      return current.every((r) => r.status === 'queued' && r.attempts >= 1) && current;
    });
    for (const row of failed) assert.match(row.lastReply!, /ECONNREFUSED/);
    await smtp.listen();
    for (const to of recipients) await smtp.waitFor((m) => m.to === to, 30_000);
    const sent = await until('all sent', async () => {
      const current = await rows(t, ids);
      return current.every((r) => r.status === 'sent') && current;
    });
    await new Promise((r) => setTimeout(r, 1_200));
    for (const row of sent) assert.equal(smtp.received.filter((m) => m.messageId === row.messageId).length, 1, row.recipient);
  });

  it('retries a temporary refusal (4xx) and fails a permanent one (5xx) at once, keeping the reply', async () => {
    const later = `${unique('later')}@example.com`;
    smtp.refuseNext(1, 451, 'Greylisted, try again later');
    const [laterId] = await enqueue(t, [testMail(later)]);
    await smtp.waitFor((m) => m.to === later);
    const delivered = await until('retried', async () => (await rows(t, [laterId!])).find((r) => r.status === 'sent'));
    assert.equal(delivered!.attempts, 2);
    assert.equal(smtp.to(later).length, 1);

    const never = `${unique('never')}@example.com`;
    smtp.refuseNext(1, 550, 'No such mailbox here');
    const [neverId] = await enqueue(t, [testMail(never, { link: `${t.url}/x/${unique()}` })]);
    const failed = await until('failed', async () => (await rows(t, [neverId!])).find((r) => r.status === 'failed'));
    assert.match(failed!.lastReply!, /^550 .*No such mailbox here/);
    assert.equal(failed!.payload, null);
    assert.equal(failed!.attempts, 1);
    assert.equal(smtp.to(never).length, 0);
  });

  it('recovers a message whose sender died mid-send: another sender takes it once the lease lapses, same Message-ID', async () => {
    const to = `${unique('crash')}@example.com`;
    // As if a sender had claimed it and died (before or after the server's 250): status sending, lease running.
    const id = await t.get(TransactionRunner).run(async (tx) => {
      const queued = await t.get(Outbox).enqueue(tx, testMail(to));
      await tx.outboxMessage.update({ where: { id: queued.id }, data: { status: 'sending', attempts: 1, leaseUntil: new Date(Date.now() + 1_500) } });
      return queued.id;
    });
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(smtp.to(to).length, 0, 'nobody else sends while the lease runs');
    const mail = await smtp.waitFor((m) => m.to === to);
    const row = await until('sent', async () => (await rows(t, [id])).find((r) => r.status === 'sent'));
    assert.equal(mail.messageId, row.messageId);
    assert.equal(row.attempts, 2);
    await new Promise((r) => setTimeout(r, 1_200));
    assert.equal(smtp.to(to).length, 1);
  });

  // Moves this app's clock forward, so it runs last.
  it('retries for 24 hours, then marks the message failed; a message whose link expired is never sent', async () => {
    await smtp.stop();
    const plain = `${unique('giveup')}@example.com`;
    const linked = `${unique('expired')}@example.com`;
    const ids = await enqueue(t, [testMail(plain), testMail(linked, { link: `${t.url}/x/${unique()}`, expiresInMs: 60 * 60 * 1000 })]);
    await until('first attempts refused', async () => (await rows(t, ids)).every((r) => r.attempts >= 1 && r.status === 'queued'));
    t.get(Clock).advance(23 * 60 * 60 * 1000);
    await t.get(OutboxSender).runOnce();
    const [stillTrying, linkDead] = await rows(t, ids);
    assert.equal(stillTrying!.status, 'queued', 'within 24 h it is retried');
    assert.equal(linkDead!.status, 'failed');
    assert.match(linkDead!.lastReply!, /link expired/);
    assert.equal(linkDead!.payload, null);
    t.get(Clock).advance(60 * 60 * 1000 + 60_000);
    await t.get(OutboxSender).runOnce();
    const [gaveUp] = await rows(t, ids);
    assert.equal(gaveUp!.status, 'failed');
    assert.match(gaveUp!.lastReply!, /ECONNREFUSED/);
    assert.equal(gaveUp!.payload, null);
  });
});

describe('two instances sharing one outbox', () => {
  let smtp: TestSmtpServer;
  let a: TestApp;
  let b: TestApp;

  before(async () => {
    smtp = await TestSmtpServer.start();
    a = await startTestApp({ ownDatabase: true, env: { SMTP_URL: smtp.url } });
    b = await startTestApp({ sharing: a, env: { SMTP_URL: smtp.url } });
  });
  after(async () => {
    await b?.close();
    await a?.close();
    await smtp?.stop();
  });

  it('delivers every message exactly once while both senders run', async () => {
    const recipients = Array.from({ length: 40 }, (_, i) => `${unique(`pair${i}-`)}@example.com`);
    const ids = await enqueue(a, recipients.map((to) => testMail(to)));
    b.get(Outbox).deliverSoon();
    await until('all received', async () => recipients.every((to) => smtp.to(to).length > 0), 30_000);
    const sent = await until('all sent', async () => {
      const current = await rows(a, ids);
      return current.every((r) => r.status === 'sent') && current;
    });
    await new Promise((r) => setTimeout(r, 1_200));
    for (const row of sent) {
      assert.equal(row.attempts, 1, `${row.recipient} was claimed twice`);
      assert.equal(smtp.received.filter((m) => m.messageId === row.messageId).length, 1);
    }
  });
});

describe('the send lease (MAIL_SEND_LEASE_SECONDS)', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;

  before(async () => {
    smtp = await TestSmtpServer.start();
    smtp.answerDelayMs = 1_500;
    t = await startTestApp({ ownDatabase: true, env: { SMTP_URL: smtp.url, MAIL_SEND_LEASE_SECONDS: '6' } });
  });
  after(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('holds a message in sending for the configured lease from the moment its send starts, then settles it once', async () => {
    const to = `${unique('lease')}@example.com`;
    const [id] = await enqueue(t, [testMail(to)]);
    const sending = await until('sending', async () => (await rows(t, [id!])).find((r) => r.status === 'sending'));
    const leaseMs = sending.leaseUntil!.getTime() - sending.updatedAt.getTime();
    assert.ok(Math.abs(leaseMs - 6_000) < 250, `lease of ${leaseMs} ms`);
    const sent = await until('sent', async () => (await rows(t, [id!])).find((r) => r.status === 'sent'));
    assert.equal(sent.attempts, 1);
    assert.equal(sent.leaseUntil, null);
    assert.equal(smtp.received.filter((m) => m.messageId === sent.messageId).length, 1);
  });

  it('is two minutes by default, read in whole seconds from 5 to 3600, and a wrong value is refused by name', () => {
    const base = { DATA_DIR: t.config.dataDir, SECRETS_KEY: t.config.secretsKey.toString('hex') };
    assert.equal(loadConfig(base).mailSendLeaseMs, 120_000);
    assert.equal(loadConfig({ ...base, MAIL_SEND_LEASE_SECONDS: '5' }).mailSendLeaseMs, 5_000);
    assert.equal(loadConfig({ ...base, MAIL_SEND_LEASE_SECONDS: '3600' }).mailSendLeaseMs, 3_600_000);
    for (const bad of ['0', '4', '3601', '-10', '1.5', '2m', 'forever', '99999']) {
      assert.throws(() => loadConfig({ ...base, MAIL_SEND_LEASE_SECONDS: bad }), /MAIL_SEND_LEASE_SECONDS/, `MAIL_SEND_LEASE_SECONDS=${bad}`);
    }
  });
});

describe('mail without SMTP_URL', () => {
  let t: TestApp;

  before(async () => {
    t = await startTestApp({ ownDatabase: true });
  });
  after(() => t?.close());

  it('writes each message as an .eml file in DATA_DIR/outbox, and mail:outbox lists it with its live link', async () => {
    const to = `${unique('eml')}@example.com`;
    const link = `${t.url}/reset-password/${unique('tok')}`;
    const [id] = await enqueue(t, [testMail(to, { link })]);
    const row = await until('written', async () => (await rows(t, [id!])).find((r) => r.status === 'sent'));
    const dir = join(t.config.dataDir, 'outbox');
    assert.ok(existsSync(dir));
    const file = readdirSync(dir).map((f) => join(dir, f)).find((f) => readFileSync(f, 'utf8').includes(`Message-ID: ${row!.messageId}`));
    assert.ok(file, 'an .eml file with the message');
    const eml = readFileSync(file, 'utf8');
    assert.match(eml, new RegExp(`^To: ${to}$`, 'm'));
    assert.match(row!.lastReply!, new RegExp(`written to ${file}`));

    const lines: string[] = [];
    await commands['mail:outbox']!.run(t.app, [], (line) => lines.push(line));
    const at = lines.findIndex((l) => l.includes(to));
    assert.ok(at >= 0, lines.join('\n'));
    assert.match(lines[at]!, /sent/);
    assert.match(lines[at]!, new RegExp(`"Test message for ${to}"`));
    assert.equal(lines[at + 1], `    link: ${link}`);

    // Once the link has expired the listing no longer shows it.
    await t.get(PrismaService).outboxMessage.update({ where: { id: id! }, data: { linkExpiresAt: new Date(Date.now() - 1000) } });
    const later: string[] = [];
    await commands['mail:outbox']!.run(t.app, [], (line) => later.push(line));
    assert.ok(!later.some((l) => l.includes(link)));
  });
});
