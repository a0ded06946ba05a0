// The hard-kill phase of `npm run test:cluster`: under load, one of the two instances is killed with
// SIGKILL (no shutdown hooks, connections cut mid-transaction) and started again. Clients retry a
// failed write on the other instance with the same name, as an idempotent client would.
import { performance } from 'node:perf_hooks';
import { callTool, sleep, startInstance, uniqueName, type Check } from './harness.js';
import type { Scenario } from './scenario.js';

const WARM_MS = Number(process.env.KILL_WARM_MS ?? 3000);
const DOWN_MS = Number(process.env.KILL_DOWN_MS ?? 3000);
const AFTER_MS = Number(process.env.KILL_AFTER_MS ?? 5000);
// Start-up time varies with machine load; the restart may take this much longer than the first start.
const START_TOLERANCE = 1.5;

interface Write {
  name: string;
  attempts: number;
  /** Acknowledged as already_exists: an earlier attempt committed but its answer was lost. */
  foundExisting?: boolean;
  /** The id the server acknowledged (created, or already_exists naming the row a lost attempt created). */
  id?: string;
}

export async function hardKillPhase(s: Scenario, checks: Check[]): Promise<void> {
  const { PrismaService } = await import('@app/shared');
  const { SigningKeysService } = await import('@app/keys');
  const { RetentionLoop } = await import('../../apps/api/src/maintenance/retention-loop.service.js');
  const prisma = s.seeder.get(PrismaService);
  const victim = 1;

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

  // The normal start time under this same load: a throw-away third instance, started and stopped.
  await sleep(WARM_MS);
  const { freePort } = await import('../support/test-app.js');
  const reference = await startInstance(await freePort(), s.instanceEnv);
  await reference.stop();
  const normalStartMs = reference.readyMs;
  const before = writes.filter((w) => w.id).length;
  s.instances[victim]!.process.kill('SIGKILL');
  killedAt = performance.now();
  await sleep(DOWN_MS);
  const duringDown = writes.filter((w) => w.id).length - before;
  const restarted = await s.restart(victim);
  await sleep(AFTER_MS);
  // The restarted instance serves requests, not only its readiness probe.
  const afterRestart = await callTool(restarted.url, s.owner.token, 'get_current_identity', {});
  stop = true;
  await load;

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

  // No lock or lease outlives the killed process: its connections are gone, and what it may have held
  // (the key-rotation and retention advisory locks, row locks of open transactions) is free again.
  const leftovers = await prisma.$queryRaw<{ locks: bigint; idle: bigint }[]>`
    SELECT (SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
             WHERE l.locktype = 'advisory' AND d.datname = current_database()) AS locks,
           (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
             AND state LIKE 'idle in transaction%' AND now() - state_change > interval '5 seconds') AS idle`;
  const rotationStarted = performance.now();
  await s.seeder.get(SigningKeysService).forceRotation();
  const rotationMs = performance.now() - rotationStarted;
  const retention = await s.seeder.get(RetentionLoop).runOnce();
  const { locks, idle } = leftovers[0]!;
  checks.push({
    name: 'hard kill: no stuck lock or lease',
    ok: Number(locks) === 0 && Number(idle) === 0 && rotationMs < 5000 && retention.ran,
    detail: `${locks} advisory locks held, ${idle} transactions idle > 5 s; key rotation took ${rotationMs.toFixed(0)} ms; retention lock ${retention.ran ? 'free' : 'HELD'}`,
  });
  checks.push({
    name: 'hard kill: the restarted instance serves within its normal start time',
    ok: restarted.readyMs <= normalStartMs * START_TOLERANCE && afterRestart.status === 200,
    detail: `ready in ${restarted.readyMs.toFixed(0)} ms vs ${normalStartMs.toFixed(0)} ms for a fresh instance under the same load (limit ×${START_TOLERANCE}); a call on it answered ${afterRestart.status}; killed ${((performance.now() - killedAt) / 1000).toFixed(1)} s ago`,
  });
}
