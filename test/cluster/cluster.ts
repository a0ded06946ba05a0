// Scale-out run (`npm run test:cluster`): two server processes on one fresh PostgreSQL database under
// CLUSTER_CLIENTS (50) concurrent MCP clients for CLUSTER_SECONDS (60), while every CLUSTER_EVENT_MS
// (3000) a member is removed, a web session revoked or the signing keys rotated, in turn. Then one
// instance is killed with SIGKILL under load and started again (hard-kill.ts).
import { performance } from 'node:perf_hooks';
import { hardKillPhase } from './hard-kill.js';
import { callTool, finish, sleep, type Check } from './harness.js';
import { runLoad, setUp, verifyWrites, type Actor } from './scenario.js';

const SECONDS = Number(process.env.CLUSTER_SECONDS ?? 60);
const CLIENTS = Number(process.env.CLUSTER_CLIENTS ?? 50);
const EVENT_MS = Number(process.env.CLUSTER_EVENT_MS ?? 3000);

async function statusOn(url: string, actor: Actor): Promise<number> {
  return (await callTool(url, actor.token, 'get_current_identity', {})).status;
}

async function main(): Promise<void> {
  const events = Math.max(3, Math.floor((SECONDS * 1000) / EVENT_MS));
  const victimsPerKind = Math.ceil(events / 3);
  console.log(`cluster run: 2 instances, ${CLIENTS} clients, ${SECONDS} s, an event every ${EVENT_MS} ms`);
  const s = await setUp('owmcp_cluster', CLIENTS, victimsPerKind * 2);
  const checks: Check[] = [];
  try {
    const { SessionsService } = await import('@app/identity');
    const { SigningKeysService } = await import('@app/keys');
    const removals = s.victims.slice(0, victimsPerKind);
    const revocations = s.victims.slice(victimsPerKind);
    // Every victim works on every instance before its event, so a later refusal means something.
    const before = await Promise.all(s.victims.flatMap((v) => s.instances.map((i) => statusOn(i.url, v))));
    checks.push({ name: 'victims allowed before their event', ok: before.every((x) => x === 200), detail: `${before.filter((x) => x === 200).length}/${before.length} answered 200` });

    const deadline = performance.now() + SECONDS * 1000;
    const load = runLoad(s, () => performance.now() >= deadline);
    const refusedAfter: string[] = [];
    const eventLog = { removed: 0, revoked: 0, rotations: 0, reminted: 0 };
    for (let e = 0; performance.now() + EVENT_MS < deadline; e++) {
      await sleep(EVENT_MS);
      const instance = s.instances[e % s.instances.length]!;
      if (e % 3 === 0 && removals.length) {
        const victim = removals.shift()!;
        const r = await callTool(instance.url, s.owner.token, 'remove_member', { member: victim.membershipId });
        if (r.status !== 200 || r.toolError) refusedAfter.push(`remove_member failed: ${r.status} ${r.toolError}`);
        eventLog.removed++;
        for (const i of s.instances) {
          const status = await statusOn(i.url, victim);
          if (status !== 401) refusedAfter.push(`removed member answered ${status} on ${i.url}`);
        }
      } else if (e % 3 === 1 && revocations.length) {
        const victim = revocations.shift()!;
        // What `npm run cli -- sessions:revoke --email …` does.
        await s.seeder.get(SessionsService).revokeAll(victim.userId);
        eventLog.revoked++;
        for (const i of s.instances) {
          const status = await statusOn(i.url, victim);
          if (status !== 401) refusedAfter.push(`revoked session answered ${status} on ${i.url}`);
        }
      } else {
        // What `npm run cli -- keys:rotate` does; then a fifth of the clients take tokens signed with the
        // new key while the rest keep their old ones: both must keep working on both instances.
        await s.seeder.get(SigningKeysService).forceRotation();
        eventLog.rotations++;
        for (const client of s.clients.filter((_, i) => (i + e) % 5 === 0)) {
          await s.mint(client);
          eventLog.reminted++;
        }
      }
    }
    const result = await load;
    result.stats.print(`load: ${CLIENTS} clients on ${s.instances.length} instances`, result.seconds);
    console.log(`  events        ${JSON.stringify(eventLog)}`);
    const fiveXx = result.stats.count((k) => /^5/.test(k));
    const transport = result.stats.count((k) => /^0 /.test(k));
    const internal = result.stats.count((k) => k.includes('internal_error'));
    const writes = result.outcomes.filter((o) => o.write).length;
    console.log(`  writes        ${writes} attempted, ${result.created.length} acknowledged`);
    checks.push({ name: 'at least 50 concurrent clients', ok: CLIENTS >= 50 || process.env.CLUSTER_CLIENTS !== undefined, detail: `${CLIENTS}` });
    checks.push({ name: 'zero 5xx', ok: fiveXx === 0, detail: `${fiveXx}` });
    checks.push({ name: 'zero failed connections', ok: transport === 0, detail: `${transport}` });
    checks.push({ name: 'zero internal tool errors', ok: internal === 0, detail: `${internal}` });
    checks.push({ name: 'zero valid tokens refused (keys rotated during the run)', ok: result.refusedValid.length === 0 && eventLog.rotations > 0, detail: `${result.refusedValid.length} refused, ${eventLog.rotations} rotations, ${eventLog.reminted} tokens re-minted` });
    checks.push({
      name: 'removed members and revoked sessions refused at the next request on every instance',
      ok: refusedAfter.length === 0 && eventLog.removed > 0 && eventLog.revoked > 0,
      detail: refusedAfter.length ? refusedAfter.slice(0, 5).join('; ') : `${eventLog.removed} removals, ${eventLog.revoked} revocations, each checked on ${s.instances.length} instances`,
    });
    const verified = await verifyWrites(s, result.created);
    checks.push({ name: 'every acknowledged write in the database and the audit log', ok: verified.ok && result.created.length > 0, detail: verified.detail });

    await hardKillPhase(s, checks);
  } finally {
    await s.close();
  }
  finish(checks);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  // Lingering sockets (keep-alive, pools) must not keep a finished run alive.
  .finally(() => process.exit());
