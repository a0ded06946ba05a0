// The hard-kill phase of `npm run test:cluster`: under load, one of the two instances is killed with
// SIGKILL (no shutdown hooks, connections cut mid-transaction) and started again. Clients retry a
// failed write on the other instance with the same name, as an idempotent client would. Meanwhile
// password-reset requests keep mail flowing to a slow SMTP server, and the kill waits until both
// instances are in the middle of a send, so the dead one leaves a message under its lease.
import { performance } from 'node:perf_hooks';
import { callTool, sleep, startInstance, uniqueName, type Check } from './harness.js';
import { MAIL_LEASE_SECONDS, SEEDER_NAME, type Scenario } from './scenario.js';

const WARM_MS = Number(process.env.KILL_WARM_MS ?? 3000);
const DOWN_MS = Number(process.env.KILL_DOWN_MS ?? 3000);
const AFTER_MS = Number(process.env.KILL_AFTER_MS ?? 5000);
// Start-up time varies with machine load; the restart may take this much longer than the first start.
const START_TOLERANCE = 1.5;
// Accounts that ask for password resets during the phase, twice each (an address may ask 3 times an hour).
const MAIL_RECIPIENTS = Number(process.env.KILL_MAIL_RECIPIENTS ?? 40);
const MAILS_PER_RECIPIENT = 2;
const MAIL_EVERY_MS = Number(process.env.KILL_MAIL_EVERY_MS ?? 250);
// The SMTP server answers each message this late, so a sender is seen holding its lease.
const SMTP_ANSWER_MS = 300;
// A live sender settles its own message within this after the kill; one still in sending is the dead one's.
const ORPHAN_PROBE_MS = 2000;
// One sender pass: its poll interval, then the one send it may be in the middle of (measured at the SMTP
// server: seconds when the machine is loaded), then the claim; the slack covers the claim and sampling.
const SENDER_POLL_MS = 1000;
const SENDER_PASS_SLACK_MS = 1000;
const DRAIN_LIMIT_MS = MAIL_LEASE_SECONDS * 1000 + 30_000;
// Both instances sending at once (each holds one lease at a time) usually takes well under a second.
const BUSY_WAIT_LIMIT_MS = 10_000;

interface Write {
  name: string;
  attempts: number;
  /** Acknowledged as already_exists: an earlier attempt committed but its answer was lost. */
  foundExisting?: boolean;
  /** The id the server acknowledged (created, or already_exists naming the row a lost attempt created). */
  id?: string;
}

interface LeasedMessage {
  id: string;
  messageId: string;
  leaseUntil: Date | null;
}

export async function hardKillPhase(s: Scenario, checks: Check[]): Promise<void> {
  const { PrismaService } = await import('@app/shared');
  const { SigningKeysService } = await import('@app/keys');
  const { RETENTION_LOCK_ID, RetentionLoop } = await import('../../apps/api/src/maintenance/retention-loop.service.js');
  const { createUser } = await import('../support/fixtures.js');
  const { Browser } = await import('../support/oauth-flow.js');
  const { clientIp, submitForm } = await import('../support/pages.js');
  const prisma = s.seeder.get(PrismaService);
  const victim = 1;

  const recipients = await Promise.all(Array.from({ length: MAIL_RECIPIENTS }, (_, i) => createUser(s.seeder, { name: `Mail recipient ${i}` })));
  const addresses = recipients.map((r) => r.email);
  s.smtp.answerDelayMs = SMTP_ANSWER_MS;
  // What a person does at /forgot-password; 0 when the instance did not answer.
  const requestReset = async (baseUrl: string, email: string): Promise<number> => {
    try {
      const res = await submitForm(new Browser(baseUrl), '/forgot-password', 'Send reset link', { Email: email }, { ip: clientIp() });
      await res.text();
      return res.status;
    } catch {
      return 0;
    }
  };

  let stop = false;
  let killedAt = Infinity;
  const writes: Write[] = [];
  let reads = 0;
  let readFailures = 0;
  let unansweredWrites = 0;
  let otherFailures = 0;
  const load = Promise.all(
    s.clients.map(async (client, c) => {
      for (let i = 0; !stop; i++) {
        // Alternate instances per pair of calls, so reads and writes both reach both instances.
        const first = (Math.floor(i / 2) + c) % 2;
        if (i % 2) {
          const r = await callTool(s.instances[first]!.url, client.token, 'get_current_identity', {});
          reads++;
          if (r.status !== 200) readFailures++;
          continue;
        }
        const write: Write = { name: uniqueName('kill'), attempts: 0 };
        writes.push(write);
        // Retried until acknowledged, alternating instances: a dead one refuses the connection at once.
        for (let attempt = 0; attempt < 40 && !write.id; attempt++) {
          write.attempts++;
          const r = await callTool(s.instances[(first + attempt) % 2]!.url, client.token, 'create_worker', { name: write.name });
          if (r.status === 200 && r.result?.id) write.id = r.result.id as string;
          else if (r.status === 200 && r.toolError === 'already_exists') {
            write.id = r.errorDetails?.existingId as string;
            write.foundExisting = true;
          }
          else if (r.status === 0 || r.status >= 500) await sleep(100);
          else {
            otherFailures++;
            break;
          }
        }
        if (!write.id) unansweredWrites++;
      }
    }),
  );
  // Mail: each request is retried on the other instance until one answers, like a person pressing again.
  const mailRequests = { made: 0, unanswered: 0, refused: 0, retried: 0 };
  const mail = (async () => {
    for (let i = 0; !stop && i < addresses.length * MAILS_PER_RECIPIENT; i++) {
      mailRequests.made++;
      let status = 0;
      for (let attempt = 0; attempt < 40 && status !== 200; attempt++) {
        if (attempt) mailRequests.retried++;
        status = await requestReset(s.instances[(i + attempt) % 2]!.url, addresses[i % addresses.length]!);
        if (status === 0 || status >= 500) await sleep(100);
        else if (status !== 200) break;
      }
      if (status === 0 || status >= 500) mailRequests.unanswered++;
      else if (status !== 200) mailRequests.refused++;
      await sleep(MAIL_EVERY_MS);
    }
  })();

  // The normal start time under this same load: a throw-away third instance, started and stopped.
  await sleep(WARM_MS);
  const { freePort } = await import('../support/test-app.js');
  const reference = await startInstance(await freePort(), s.instanceEnv);
  await reference.stop();
  const normalStartMs = reference.readyMs;

  // Each instance sends one message at a time, so two live leases mean the victim holds one of them.
  const leased = () =>
    prisma.outboxMessage.findMany({ where: { status: 'sending', leaseUntil: { gt: new Date() } }, select: { id: true, messageId: true, leaseUntil: true } });
  const busyWaitStarted = performance.now();
  while ((await leased()).length < 2 && performance.now() - busyWaitStarted < BUSY_WAIT_LIMIT_MS) await sleep(10);
  const busyWaitMs = performance.now() - busyWaitStarted;
  const before = writes.filter((w) => w.id).length;
  const killed = s.instances[victim]!;
  killed.process.kill('SIGKILL');
  killedAt = performance.now();
  const killedAtDate = new Date();
  const inFlightAtKill: LeasedMessage[] = await leased();

  // From the kill until the outbox is drained: how long any message stays in sending past its lease.
  let watching = true;
  let longestPastExpiryMs = 0;
  const pastExpiryById = new Map<string, number>();
  const watch = (async () => {
    while (watching) {
      const rows = await prisma.$queryRaw<{ id: string; pastMs: number }[]>`
        SELECT id, (extract(epoch FROM now() - "leaseUntil") * 1000)::float8 AS "pastMs"
        FROM "OutboxMessage" WHERE status = 'sending' AND "leaseUntil" < now()`;
      for (const row of rows) {
        longestPastExpiryMs = Math.max(longestPastExpiryMs, row.pastMs);
        pastExpiryById.set(row.id, Math.max(pastExpiryById.get(row.id) ?? 0, row.pastMs));
      }
      await sleep(200);
    }
  })();

  // The dead process's connections end with its sockets; whatever they held (row or advisory locks) with them.
  const backendsOf = async (name: string) =>
    Number((await prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = ${name}`)[0]!.n);
  const backendsAtKill = await backendsOf(killed.name);
  let backendsGoneMs: number | undefined;
  while (performance.now() - killedAt < ORPHAN_PROBE_MS) {
    if (backendsGoneMs === undefined && (await backendsOf(killed.name)) === 0) backendsGoneMs = performance.now() - killedAt;
    await sleep(50);
  }
  // A live sender has settled its own message by now; one still under the same lease was the dead one's.
  const stillLeased = await prisma.outboxMessage.findMany({ where: { id: { in: inFlightAtKill.map((m) => m.id) } }, select: { id: true, status: true, leaseUntil: true } });
  const orphans = inFlightAtKill.filter((m) => stillLeased.some((r) => r.id === m.id && r.status === 'sending' && r.leaseUntil?.getTime() === m.leaseUntil?.getTime()));
  await sleep(Math.max(0, DOWN_MS - (performance.now() - killedAt)));
  const duringDown = writes.filter((w) => w.id).length - before;
  const restarted = await s.restart(victim);
  const restartedAtDate = new Date();
  await sleep(AFTER_MS);
  // The restarted instance serves requests, not only its readiness probe.
  const afterRestart = await callTool(restarted.url, s.owner.token, 'get_current_identity', {});
  stop = true;
  await Promise.all([load, mail]);

  // Every message queued during the phase reaches the SMTP server and `sent`.
  const drainStarted = performance.now();
  const unsentCount = () => prisma.outboxMessage.count({ where: { recipient: { in: addresses }, status: { not: 'sent' } } });
  while ((await unsentCount()) > 0 && performance.now() - drainStarted < DRAIN_LIMIT_MS) await sleep(250);
  const drainMs = performance.now() - drainStarted;
  watching = false;
  await watch;
  const senderPassMs = SENDER_POLL_MS + s.smtp.longestSendMs + SENDER_PASS_SLACK_MS;
  const overdue = [...pastExpiryById].filter(([, ms]) => ms > senderPassMs);

  const acknowledged = writes.filter((w) => w.id);
  const retried = writes.filter((w) => w.attempts > 1);
  console.log(`\nhard kill: instance ${victim + 1} SIGKILLed under load, restarted ${(DOWN_MS / 1000).toFixed(1)} s later`);
  console.log(`  writes        ${writes.length} (${acknowledged.length} acknowledged, ${retried.length} retried, ${writes.filter((w) => w.foundExisting).length} found committed by their retry, ${duringDown} acknowledged while it was down); reads ${reads} (${readFailures} not 200)`);
  console.log(`  restart       ready in ${restarted.readyMs.toFixed(0)} ms (a fresh instance under the same load: ${normalStartMs.toFixed(0)} ms)`);

  // Every acknowledged write is there once, with its one audit event; no retry made a second row.
  const names = writes.map((w) => w.name);
  const rows = await prisma.worker.findMany({ where: { orgId: s.orgId, name: { in: names } }, select: { id: true, name: true } });
  const audits = await prisma.auditEvent.findMany({ where: { orgId: s.orgId, action: 'worker.created', targetId: { in: rows.map((r) => r.id) } }, select: { targetId: true } });
  const rowByName = new Map(rows.map((r) => [r.name, r.id]));
  const lost = acknowledged.filter((w) => rowByName.get(w.name) !== w.id);
  const auditCount = new Map<string, number>();
  for (const a of audits) auditCount.set(a.targetId!, (auditCount.get(a.targetId!) ?? 0) + 1);
  const badAudit = rows.filter((r) => auditCount.get(r.id) !== 1);
  checks.push({ name: 'hard kill: writes kept flowing through the other instance', ok: duringDown > 0 && acknowledged.length > before, detail: `${duringDown} acknowledged while one instance was dead` });
  checks.push({ name: 'hard kill: no acknowledged write lost', ok: lost.length === 0 && acknowledged.length > 0, detail: `${acknowledged.length} acknowledged, ${lost.length} missing or different` });
  checks.push({ name: 'hard kill: no duplicate from a retried write', ok: rows.length === new Set(rows.map((r) => r.name)).size && badAudit.length === 0, detail: `${retried.length} retried writes; ${rows.length} rows for ${new Set(rows.map((r) => r.name)).size} names; ${badAudit.length} rows without exactly one audit event` });
  checks.push({ name: 'hard kill: every write answered (acknowledged or refused by a rule, never left hanging)', ok: unansweredWrites === 0 && otherFailures === 0, detail: `${unansweredWrites} never acknowledged, ${otherFailures} refused` });

  // Mail: at least once, by Message-ID; a second copy only of what the dead instance was sending.
  const messages = await prisma.outboxMessage.findMany({
    where: { recipient: { in: addresses } },
    select: { id: true, messageId: true, status: true, attempts: true, sentAt: true, createdAt: true },
  });
  const copies = new Map<string, number>();
  for (const m of s.smtp.received) copies.set(m.messageId, (copies.get(m.messageId) ?? 0) + 1);
  const orphanIds = new Set(orphans.map((m) => m.messageId));
  const unsent = messages.filter((m) => m.status !== 'sent');
  const neverReceived = messages.filter((m) => !copies.get(m.messageId));
  const duplicated = messages.filter((m) => copies.get(m.messageId)! > 1);
  const resent = messages.filter((m) => m.attempts > 1);
  const unexplained = [...duplicated, ...resent].filter((m) => !orphanIds.has(m.messageId));
  const queuedWhileDown = messages.filter((m) => m.createdAt >= killedAtDate && m.createdAt < restartedAtDate).length;
  // Per message the dead instance held: how long it sat under the lapsed lease (sampled every 200 ms)
  // before a live sender took it, and when it was finally sent, counted from the lapse.
  const orphanTakenMs = orphans.map((o) => pastExpiryById.get(o.id) ?? 0);
  const orphanSentMs = orphans.map((o) => {
    const row = messages.find((m) => m.id === o.id);
    return row?.sentAt && o.leaseUntil ? row.sentAt.getTime() - o.leaseUntil.getTime() : NaN;
  });
  const seconds = (list: number[]) => list.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ');
  console.log(
    `  mail          ${messages.length} queued (${queuedWhileDown} while it was down) from ${mailRequests.made} reset requests (${mailRequests.retried} retries); ` +
      `${messages.length - unsent.length} sent, ${s.smtp.received.length} received, ${duplicated.length} duplicate by Message-ID; lease ${MAIL_LEASE_SECONDS} s, drained ${(drainMs / 1000).toFixed(1)} s after the load`,
  );
  console.log(
    `  at the kill   ${inFlightAtKill.length} messages in sending (after ${busyWaitMs.toFixed(0)} ms waiting for both senders to be busy), ${orphans.length} leased by the killed instance` +
      (orphans.length ? `; after the lease lapsed taken by a live sender within ${seconds(orphanTakenMs)}, sent ${seconds(orphanSentMs)}` : ''),
  );
  checks.push({
    name: 'hard kill: the instance was killed while holding a sending lease',
    ok: orphans.length > 0,
    detail: `${inFlightAtKill.length} messages in sending at the kill, ${orphans.length} still under the dead instance's lease ${ORPHAN_PROBE_MS} ms later`,
  });
  checks.push({
    name: 'hard kill: every queued message sent and received at least once',
    ok: messages.length > 0 && queuedWhileDown > 0 && unsent.length === 0 && neverReceived.length === 0 && mailRequests.unanswered === 0,
    detail: `${messages.length} queued (${queuedWhileDown} while one instance was dead); ${unsent.length} not sent after ${(drainMs / 1000).toFixed(1)} s, ${neverReceived.length} never received; ${mailRequests.unanswered} requests never answered, ${mailRequests.refused} refused`,
  });
  checks.push({
    name: 'hard kill: a message sent twice only if the killed instance held its lease',
    ok: unexplained.length === 0,
    detail: `${duplicated.length} received twice (same Message-ID), ${resent.length} claimed again after a lapsed lease, ${orphans.length} held by the killed instance; ${unexplained.length} otherwise`,
  });
  checks.push({
    name: 'hard kill: no stuck outbox lease (nothing in sending past its lease + one sender pass)',
    ok: overdue.length === 0 && unsent.length === 0,
    detail: `longest in sending past its lease ${longestPastExpiryMs.toFixed(0)} ms (limit ${senderPassMs.toFixed(0)} ms: poll ${SENDER_POLL_MS} ms + longest send ${s.smtp.longestSendMs.toFixed(0)} ms + ${SENDER_PASS_SLACK_MS} ms), ${overdue.length} over; the dead instance's ${orphans.length} taken again ${orphanTakenMs.map((ms) => `${ms.toFixed(0)} ms`).join(', ') || '-'} after their lease lapsed`,
  });

  // No lock outlives the killed process: its connections are gone, no advisory lock is left, and the
  // maintenance locks (key rotation, retention) are taken again at once by a live instance.
  const [leftovers] = await prisma.$queryRaw<{ killedBackends: bigint; locks: bigint; idle: bigint }[]>`
    SELECT (SELECT count(*) FROM pg_stat_activity WHERE application_name = ${killed.name}) AS "killedBackends",
           (SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
             WHERE l.locktype = 'advisory' AND d.datname = current_database()) AS locks,
           (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
             AND state LIKE 'idle in transaction%' AND now() - state_change > interval '5 seconds') AS idle`;
  const rotationStarted = performance.now();
  await s.seeder.get(SigningKeysService).forceRotation();
  const rotationMs = performance.now() - rotationStarted;
  // Holding the retention lock the way the loop does, pg_locks shows who has it: a live backend.
  const holder = await s.seeder.database.runExclusive(RETENTION_LOCK_ID, () =>
    prisma.$queryRaw<{ name: string }[]>`
      SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND ((l.classid::bigint << 32) | l.objid::bigint) = ${RETENTION_LOCK_ID}::bigint`,
  );
  const holders = holder.ran ? holder.value.map((h) => h.name) : [];
  const retention = await s.seeder.get(RetentionLoop).runOnce();
  const { killedBackends, locks, idle } = leftovers!;
  checks.push({
    name: 'hard kill: no stuck lock (the dead backend holds nothing; the maintenance locks are taken again)',
    ok: Number(killedBackends) === 0 && Number(locks) === 0 && Number(idle) === 0 && rotationMs < 5000 && retention.ran && holders.length === 1 && holders[0] === SEEDER_NAME,
    detail:
      `${backendsAtKill} connections of the killed process at the kill, gone ${backendsGoneMs === undefined ? `after more than ${ORPHAN_PROBE_MS}` : backendsGoneMs.toFixed(0)} ms later (${killedBackends} after the restart); ` +
      `${locks} advisory locks held, ${idle} transactions idle > 5 s; key rotation took ${rotationMs.toFixed(0)} ms; ` +
      `retention lock ${holder.ran ? `taken, held in pg_locks by ${holders.map((h) => `"${h}"`).join(', ') || 'nobody'}` : 'HELD elsewhere'}, a pass ${retention.ran ? 'ran' : 'found it HELD'}`,
  });
  checks.push({
    name: 'hard kill: the restarted instance serves within its normal start time',
    ok: restarted.readyMs <= normalStartMs * START_TOLERANCE && afterRestart.status === 200,
    detail: `ready in ${restarted.readyMs.toFixed(0)} ms vs ${normalStartMs.toFixed(0)} ms for a fresh instance under the same load (limit ×${START_TOLERANCE}); a call on it answered ${afterRestart.status}; killed ${((performance.now() - killedAt) / 1000).toFixed(1)} s ago`,
  });
}
