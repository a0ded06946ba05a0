// The server a benchmark measures, in its own process: the real app on the configured database (embedded
// by default, DATABASE_URL for PostgreSQL), seeded with one organization, a token and members to page
// through. The parent process drives it over HTTP (autocannon, itself in another process) and asks it over
// IPC for its own CPU time, memory and the server-side timings of each request's query, so nothing
// the load generator does is counted against the server.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { Session } from 'node:inspector/promises';
import { AccessRecheckQuery } from '@app/access';
import { AccountsService } from '@app/identity';
import { OrganizationsService } from '@app/members';
import { PrismaService } from '@app/shared';
import { IdleMemory } from '../apps/api/src/health/idle-memory.service.js';
// Not test/support/fixtures.js: it loads the SDK's test client, which a server process never holds.
import { onPostgres, startTestApp, unique } from '../test/support/test-app.js';
import { mintAccess } from '../test/support/tokens.js';

export interface BenchServerReady {
  type: 'ready';
  url: string;
  token: string;
  database: string;
  pid: number;
}

export interface BenchServerStats {
  type: 'stats';
  cpuMicros: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  /** V8's heap spaces: committed and used bytes of each (new, old, code, large object…). */
  heapSpaces: { name: string; sizeBytes: number; usedBytes: number }[];
  /** Memory-reducing collections the server ran on its own after going quiet (see IdleMemory). */
  idleCollections: number;
  /**
   * Durations (ms), timed inside this process since the last reset, of the one query each measured request
   * awaits before its own work: the access recheck of an MCP request, the migration read of `/readyz`.
   */
  queryMs: number[];
  /**
   * Median interval (ms) between the runs of a 1 ms timer since the last reset: how long one turn of the
   * event loop takes, once turns are longer than the timer's millisecond.
   * An awaited query's answer waits behind the rest of the turn it arrives in, so under load this, not
   * the database, sets the floor under the query timer (for `/readyz` as for the recheck).
   */
  loopDelayP50Ms: number;
}

export type BenchServerCommand =
  | { type: 'stats' }
  | { type: 'reset' }
  | { type: 'stop' }
  | { type: 'profile-start' }
  | { type: 'profile-stop'; file: string }
  | { type: 'heap-snapshot'; file: string };

const EXTRA_MEMBERS = 60;

const t = await startTestApp({ env: { LOG_LEVEL: 'error', RATE_LIMITS: 'off', ...(process.env.BENCH_SERVER_ENV ? JSON.parse(process.env.BENCH_SERVER_ENV) : {}) } });
const prisma = t.get(PrismaService);
const owner = await t.get(AccountsService).register({ email: `${unique('bench-owner')}@bench.example.com`, name: 'Bench Owner', password: 'bench owner password', verified: true });
const org = await t.get(OrganizationsService).create({ name: unique('Bench '), ownerEmail: owner.email, seats: EXTRA_MEMBERS * 2, confirmRiskyChanges: 'never' });
const tag = unique('bench');
// Enough members that list_members returns a full page of 50.
await prisma.$executeRaw`
  INSERT INTO "User" (id, email, name, "passwordHash", "createdAt", "updatedAt")
  SELECT gen_random_uuid()::text, ${tag} || '-' || g || '@bench.example.com', 'Bench User ' || g, 'not-a-hash', now(), now()
    FROM generate_series(1, ${EXTRA_MEMBERS}::int) AS g`;
await prisma.$executeRaw`
  INSERT INTO "Membership" (id, "orgId", "userId", role, "createdAt", "updatedAt")
  SELECT gen_random_uuid()::text, ${org.id}, u.id, 'member', now(), now()
    FROM "User" u WHERE u.email LIKE ${`${tag}-%`}`;
const access = await mintAccess(t, owner, org.id);
const idleMemory = t.get(IdleMemory);

// Server-side timers around the query each request awaits (wrapping the instances the app uses): the
// access recheck every MCP request runs, and the read behind /readyz, timed the same way.
let queryMs: number[] = [];
function timeEachCall<T extends object, K extends keyof T & string>(target: T, method: K): void {
  const original = (target[method] as (...args: unknown[]) => Promise<unknown>).bind(target);
  (target as Record<string, unknown>)[method] = async (...args: unknown[]) => {
    const started = performance.now();
    try {
      return await original(...args);
    } finally {
      if (queryMs.length < 2_000_000) queryMs.push(performance.now() - started);
    }
  };
}
timeEachCall(t.get(AccessRecheckQuery), 'load');
timeEachCall(prisma, 'appliedMigrations');

const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();

async function stop(): Promise<void> {
  if (onPostgres) {
    await prisma.organization.delete({ where: { id: org.id } });
    await prisma.$executeRaw`DELETE FROM "User" WHERE email LIKE ${`${tag}-%`} OR id = ${owner.id}`;
  }
  await t.close();
  process.exit(0);
}

// CPU profile of exactly one measured window (the parent starts and stops it around a load run).
const inspector = new Session();
inspector.connect();

process.on('message', async (message: BenchServerCommand) => {
  if (message.type === 'profile-start') {
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.setSamplingInterval', { interval: 200 });
    await inspector.post('Profiler.start');
    process.send!({ type: 'profile-start' });
    return;
  }
  if (message.type === 'profile-stop') {
    const { profile } = await inspector.post('Profiler.stop');
    writeFileSync(message.file, JSON.stringify(profile));
    process.send!({ type: 'profile-stop' });
    return;
  }
  if (message.type === 'heap-snapshot') {
    writeHeapSnapshot(message.file);
    process.send!({ type: 'heap-snapshot' });
    return;
  }
  if (message.type === 'stats') {
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    const stats: BenchServerStats = { type: 'stats', cpuMicros: cpu.user + cpu.system, rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, heapTotalBytes: memory.heapTotal, externalBytes: memory.external,
      idleCollections: idleMemory.collections,
      heapSpaces: getHeapSpaceStatistics().map((space) => ({ name: space.space_name, sizeBytes: space.space_size, usedBytes: space.space_used_size })),
      queryMs,
      loopDelayP50Ms: loopDelay.count ? loopDelay.percentile(50) / 1e6 : 0,
    };
    process.send!(stats);
  } else if (message.type === 'reset') {
    queryMs = [];
    loopDelay.reset();
    process.send!({ type: 'reset' });
  } else if (message.type === 'stop') {
    void stop();
  }
});
process.on('disconnect', () => void stop());

const ready: BenchServerReady = { type: 'ready', url: t.url, token: access.token, database: t.database.description, pid: process.pid };
process.send!(ready);
