// Fault run (`npm run test:faults`, via scripts/test-faults.sh which restarts PostgreSQL whatever
// happens), under the cluster load: first the instances' database connections are ended every
// FAULT_TERMINATE_EVERY_MS for FAULT_TERMINATE_MS (an operator's pg_terminate_backend, a restarted pooler),
// then PostgreSQL is stopped for FAULT_OUTAGE_MS (5000) and started again. No instance may die of either;
// during the outage the gateway must answer 503 with Retry-After (never 500, never a served call), and a
// call that meets a lost connection service_unavailable; after each fault it must recover by itself
// within 5 s; no write may be half-applied.
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { finish, sleep, terminateConnections, type Check } from './harness.js';
import { runLoad, setUp, verifyWrites } from './scenario.js';

const CLIENTS = Number(process.env.FAULT_CLIENTS ?? 50);
const WARM_MS = Number(process.env.FAULT_WARM_MS ?? 5000);
const OUTAGE_MS = Number(process.env.FAULT_OUTAGE_MS ?? 5000);
const AFTER_MS = Number(process.env.FAULT_AFTER_MS ?? 10_000);
const TERMINATE_MS = Number(process.env.FAULT_TERMINATE_MS ?? 5000);
const TERMINATE_EVERY_MS = Number(process.env.FAULT_TERMINATE_EVERY_MS ?? 200);
const TERMINATION_GRACE_MS = 1000;
const CALM_MS = 3000;
const RECOVERY_LIMIT_MS = 5000;
const PG_VERSION = process.env.FAULT_PG_VERSION ?? '15';
const PG_CLUSTER = process.env.FAULT_PG_CLUSTER ?? 'main';

function pgctl(action: 'stop' | 'start'): void {
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', PG_VERSION, PG_CLUSTER, action, ...(action === 'stop' ? ['-m', 'fast'] : [])], { stdio: 'inherit' });
}

async function main(): Promise<void> {
  console.log(`fault run: 2 instances, ${CLIENTS} clients, PostgreSQL down for ${OUTAGE_MS} ms`);
  const s = await setUp('owmcp_faults', CLIENTS, 0);
  const checks: Check[] = [];
  let pgDown = false;
  try {
    let stop = false;
    const load = runLoad(s, () => stop);
    await sleep(WARM_MS);
    let terminated = 0;
    const terminationsEnd = performance.now() + TERMINATE_MS;
    while (performance.now() < terminationsEnd) {
      terminated += await terminateConnections(s.instances.map((i) => i.name));
      await sleep(TERMINATE_EVERY_MS);
    }
    const terminationsEnded = performance.now();
    await sleep(CALM_MS);
    const stopIssued = performance.now();
    pgctl('stop');
    pgDown = true;
    const stopped = performance.now();
    await sleep(OUTAGE_MS);
    const startIssued = performance.now();
    pgctl('start');
    pgDown = false;
    const started = performance.now();
    await sleep(AFTER_MS);
    stop = true;
    const result = await load;
    result.stats.print(
      `load: ${CLIENTS} clients on ${s.instances.length} instances, ${terminated} connections ended over ${(TERMINATE_MS / 1000).toFixed(1)} s, PostgreSQL stopped ${((startIssued - stopped) / 1000).toFixed(1)} s`,
      result.seconds,
    );

    // From a second after the last ended connection (its notice has reached the instance by then): a
    // connection the database ended must never be handed out again, so every call succeeds.
    const afterTerminations = result.outcomes.filter((o) => o.startedAt >= terminationsEnded + TERMINATION_GRACE_MS && o.endedAt <= stopIssued);
    const failedAfterTerminations = afterTerminations.filter((o) => o.status !== 200 || o.toolError);
    console.log(`  ended connections ${terminated}; from ${TERMINATION_GRACE_MS} ms after the last: ${afterTerminations.length - failedAfterTerminations.length}/${afterTerminations.length} calls succeeded`);

    // Calls made entirely while PostgreSQL was down.
    const during = result.outcomes.filter((o) => o.startedAt >= stopped && o.endedAt <= startIssued);
    const duringOk = during.filter((o) => o.status === 503 && o.retryAfter !== null && Number(o.retryAfter) > 0);
    const served = during.filter((o) => o.status === 200);
    const byStatus = new Map<string, number>();
    for (const o of during) byStatus.set(`${o.status}${o.toolError ? ` ${o.toolError}` : ''}`, (byStatus.get(`${o.status}${o.toolError ? ` ${o.toolError}` : ''}`) ?? 0) + 1);
    console.log(`  during outage ${during.length} calls: ${[...byStatus].map(([k, v]) => `${k}: ${v}`).join(', ')}`);
    // Calls across the edges (started before the stop or ended after the start): anything but 5xx.
    const edges = result.outcomes.filter((o) => !during.includes(o) && o.endedAt >= stopIssued && o.startedAt <= started);
    const edgeStatus = new Map<string, number>();
    for (const o of edges) edgeStatus.set(`${o.status}${o.toolError ? ` ${o.toolError}` : ''}`, (edgeStatus.get(`${o.status}${o.toolError ? ` ${o.toolError}` : ''}`) ?? 0) + 1);
    console.log(`  at the edges  ${edges.length} calls: ${[...edgeStatus].map(([k, v]) => `${k}: ${v}`).join(', ')}`);

    // Recovery: from PostgreSQL accepting connections again to the end of the last failed call.
    const afterStart = result.outcomes.filter((o) => o.startedAt >= started);
    const failedAfter = afterStart.filter((o) => o.status !== 200 || o.toolError);
    const lastFailure = failedAfter.reduce((max, o) => Math.max(max, o.endedAt), started);
    const recoveryMs = lastFailure - started;
    const firstSuccess = afterStart.filter((o) => o.status === 200 && !o.toolError).reduce((min, o) => Math.min(min, o.endedAt), Infinity);
    console.log(`  recovery      first success ${(firstSuccess - started).toFixed(0)} ms after PostgreSQL started, last failure ${recoveryMs.toFixed(0)} ms after; ${afterStart.length - failedAfter.length}/${afterStart.length} calls after the restart succeeded`);

    const fiveHundreds = result.outcomes.filter((o) => o.status >= 500 && o.status !== 503).length;
    const unlabelled503 = result.outcomes.filter((o) => o.status === 503 && !(Number(o.retryAfter) > 0)).length;
    checks.push({ name: 'connections ended under load', ok: terminated > 0, detail: `${terminated}` });
    checks.push({
      name: `every call succeeds from ${TERMINATION_GRACE_MS} ms after the last ended connection`,
      ok: afterTerminations.length > 0 && failedAfterTerminations.length === 0,
      detail: `${afterTerminations.length - failedAfterTerminations.length}/${afterTerminations.length}`,
    });
    checks.push({ name: 'calls during the outage', ok: during.length > 0, detail: `${during.length}` });
    checks.push({ name: 'during the outage: every call 503 with Retry-After', ok: duringOk.length === during.length, detail: `${duringOk.length}/${during.length}` });
    checks.push({ name: 'during the outage: no call served', ok: served.length === 0, detail: `${served.length}` });
    checks.push({ name: 'never a 5xx other than 503, every 503 with Retry-After', ok: fiveHundreds === 0 && unlabelled503 === 0, detail: `${fiveHundreds} other 5xx, ${unlabelled503} 503 without Retry-After` });
    checks.push({ name: 'no failed connections to the instances', ok: result.stats.count((k) => /^0 /.test(k)) === 0, detail: `${result.stats.count((k) => /^0 /.test(k))}` });
    checks.push({ name: `recovers by itself within ${RECOVERY_LIMIT_MS} ms`, ok: recoveryMs <= RECOVERY_LIMIT_MS && afterStart.length > failedAfter.length, detail: `${recoveryMs.toFixed(0)} ms` });
    // A call that met the lost database says so in a way the agent can act on; never an internal error.
    const internal = result.stats.count((k) => k.includes('internal_error'));
    const unavailable = result.stats.count((k) => k.includes('service_unavailable'));
    checks.push({ name: 'a call that meets the lost database answers service_unavailable, never internal_error', ok: internal === 0, detail: `${unavailable} service_unavailable, ${internal} internal_error` });
    const exited = s.instances.filter((i) => i.process.exitCode !== null || i.process.signalCode !== null);
    checks.push({ name: 'every instance still running', ok: exited.length === 0, detail: `${s.instances.length - exited.length}/${s.instances.length}` });
    const verified = await verifyWrites(s, result.created);
    checks.push({ name: 'no half-applied write (rows and audit events match)', ok: verified.ok, detail: verified.detail });
  } finally {
    if (pgDown) pgctl('start');
    await s.close();
  }
  finish(checks);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => process.exit());
