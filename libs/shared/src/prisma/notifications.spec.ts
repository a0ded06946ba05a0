import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { PostgresNotifications, type Notifications } from './notifications.js';

const CHANNEL = 'spec_notifications';

function inbox(notifications: Notifications, channel = CHANNEL) {
  const received: string[] = [];
  let wake: (() => void) | undefined;
  const next = (timeoutMs = 5_000) =>
    new Promise<string>((resolve, reject) => {
      if (received.length) return resolve(received.shift()!);
      const timer = setTimeout(() => {
        wake = undefined;
        reject(new Error('no notification arrived'));
      }, timeoutMs);
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve(received.shift()!);
      };
    });
  const listening = notifications.listen(channel, (payload) => {
    received.push(payload);
    wake?.();
  });
  return { listening, next, received };
}

// The embedded path (PGlite's own LISTEN/NOTIFY) is exercised end to end by test/confirmations-sessions.e2e-spec.ts.
describe('database notifications, PostgreSQL', { skip: !process.env.DATABASE_URL && 'DATABASE_URL is not set' }, () => {
  const url = process.env.DATABASE_URL!;

  it('crosses instances, and listens again after its connection is cut', async () => {
    const sender = new PostgresNotifications(url);
    const receiver = new PostgresNotifications(url);
    try {
      const box = inbox(receiver);
      await box.listening;
      await sender.notify(CHANNEL, 'across');
      assert.equal(await box.next(), 'across');

      // Cut every connection listening on the channel, as a database restart or a proxy would.
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        const { rows } = await admin.query<{ pid: number }>(
          `SELECT l.pid, pg_terminate_backend(l.pid) FROM pg_stat_activity l WHERE l.pid <> pg_backend_pid() AND l.datname = current_database() AND l.query LIKE $1`,
          [`LISTEN "${CHANNEL}"%`],
        );
        assert.ok(rows.length >= 1, 'the listening connection was found and cut');
        // Gone for good before anything is sent, so no notification can still reach the old connection.
        const pids = rows.map((row) => row.pid);
        while ((await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1)', [pids])).rowCount) await new Promise((r) => setTimeout(r, 50));
      } finally {
        await admin.end();
      }
      // Reopened after a second; notifications sent before that are lost (PostgreSQL keeps none for absent listeners).
      for (let attempt = 0; ; attempt++) {
        await sender.notify(CHANNEL, `again ${attempt}`);
        try {
          assert.match(await box.next(500), /^again /);
          break;
        } catch (error) {
          if (attempt >= 20) throw error;
        }
      }
    } finally {
      await sender.close();
      await receiver.close();
    }
  });
});
