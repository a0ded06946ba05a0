// The load both runs share: an organization on a fresh PostgreSQL database, two server processes and
// N MCP clients (each its own member and token) mixing reads and writes against both instances.
import { performance } from 'node:perf_hooks';
import { callTool, createDatabase, startInstance, Stats, uniqueName, type CallOutcome, type Instance } from './harness.js';

export interface Actor {
  userId: string;
  membershipId: string;
  token: string;
}

// Short, so the hard-kill phase sees a dead sender's message retried within the run (the default is 2 min).
export const MAIL_LEASE_SECONDS = 10;
export const SEEDER_NAME = 'owmcp-seeder';

export interface Scenario {
  instances: Instance[];
  /** The SMTP server every instance delivers to. */
  smtp: import('../support/smtp.js').TestSmtpServer;
  owner: Actor;
  clients: Actor[];
  victims: Actor[];
  orgId: string;
  seeder: import('../support/test-app.js').TestApp;
  /** What every instance is started with (database, key, public URL). */
  instanceEnv: Record<string, string>;
  /** Starts instance `index` again on its port (after it died); returns the new instance. */
  restart(index: number): Promise<Instance>;
  mint(actor: Actor): Promise<void>;
  close(): Promise<void>;
}

export async function setUp(prefix: string, clientCount: number, victimCount: number): Promise<Scenario> {
  const db = await createDatabase(prefix);
  // The test support reads DATABASE_URL when it loads, so it is imported only now. The seeder's
  // connections are named like the instances' (see startInstance), to tell them apart in pg_locks.
  const seederUrl = new URL(db.url);
  seederUrl.searchParams.set('application_name', SEEDER_NAME);
  process.env.DATABASE_URL = seederUrl.href;
  const { startTestApp, freePort } = await import('../support/test-app.js');
  const { addMember, createOrg, createUser } = await import('../support/fixtures.js');
  const { mintAccess } = await import('../support/tokens.js');
  const { PrismaService } = await import('@app/shared');
  const { OutboxSender } = await import('@app/mail');
  const { TestSmtpServer } = await import('../support/smtp.js');

  const smtp = await TestSmtpServer.start();
  const ports = [await freePort(), await freePort()];
  // Instances behind one load balancer share the public URL: the issuer and audience of every token.
  const publicUrl = `http://127.0.0.1:${ports[0]}`;
  // An in-process instance seeds the data and mints tokens (as a finished OAuth consent would).
  const seeder = await startTestApp({ env: { PUBLIC_URL: publicUrl, LOG_LEVEL: 'error' } });
  // The instances are the deployment's senders; the seeder would take their mail and write it to files.
  await seeder.get(OutboxSender).stop();
  const instances: Instance[] = [];
  try {
    // Load from a few grants exceeds the per-grant /mcp budget by design; RATE_LIMITS=off lifts it.
    const env = {
      DATABASE_URL: db.url,
      SECRETS_KEY: seeder.config.secretsKey.toString('hex'),
      PUBLIC_URL: publicUrl,
      RATE_LIMITS: 'off',
      SMTP_URL: smtp.url,
      MAIL_SEND_LEASE_SECONDS: String(MAIL_LEASE_SECONDS),
    };
    for (const port of ports) instances.push(await startInstance(port, env));

    const prisma = seeder.get(PrismaService);
    const ownerUser = await createUser(seeder, { name: 'Load Owner' });
    const org = await createOrg(seeder, ownerUser, { seats: clientCount + victimCount + 10 });
    const actor = async (user: { id: string }): Promise<Actor> => {
      const membership = await prisma.membership.findUniqueOrThrow({ where: { orgId_userId: { orgId: org.id, userId: user.id } } });
      return { userId: user.id, membershipId: membership.id, token: (await mintAccess(seeder, user as never, org.id)).token };
    };
    const people = async (count: number, label: string, role: string) => {
      const list: Actor[] = [];
      for (let i = 0; i < count; i++) {
        const user = await createUser(seeder, { name: `${label} ${i}` });
        await addMember(seeder, org.slug, user, role);
        list.push(await actor(user));
      }
      return list;
    };
    const owner = await actor(ownerUser);
    // Admins, so that their writes (create_worker) are allowed.
    const clients = await people(clientCount, 'Load client', 'admin');
    const victims = await people(victimCount, 'Victim', 'member');
    return {
      instances,
      smtp,
      owner,
      clients,
      victims,
      orgId: org.id,
      seeder,
      instanceEnv: env,
      async restart(index: number) {
        await instances[index]!.stop();
        instances[index] = await startInstance(ports[index]!, env);
        return instances[index]!;
      },
      async mint(a: Actor) {
        const user = await prisma.user.findUniqueOrThrow({ where: { id: a.userId } });
        a.token = (await mintAccess(seeder, user as never, org.id)).token;
      },
      async close() {
        for (const i of instances) await i.stop();
        await seeder.close();
        await smtp.stop();
        await db.drop();
      },
    };
  } catch (error) {
    for (const i of instances) await i.stop();
    await seeder.close();
    await smtp.stop();
    await db.drop();
    throw error;
  }
}

export interface LoadResult {
  stats: Stats;
  outcomes: (CallOutcome & { write: boolean })[];
  /** Ids returned by successful create_worker calls. */
  created: string[];
  /** Load-client requests refused as unauthenticated or forbidden (their tokens were all valid). */
  refusedValid: CallOutcome[];
  seconds: number;
}

const READS: [string, Record<string, unknown>][] = [
  ['get_current_identity', {}],
  ['list_members', { limit: 20 }],
  ['list_workers', { limit: 20 }],
  ['get_organization', {}],
];

/** Runs every client in a loop until `until()` says stop; one in four calls is a write. */
export async function runLoad(s: Scenario, until: () => boolean): Promise<LoadResult> {
  const stats = new Stats();
  const outcomes: LoadResult['outcomes'] = [];
  const created: string[] = [];
  const refusedValid: CallOutcome[] = [];
  const started = performance.now();
  await Promise.all(
    s.clients.map(async (client, c) => {
      for (let i = c; !until(); i++) {
        const instance = s.instances[i % s.instances.length]!;
        const write = i % 4 === 0;
        const [tool, args] = write ? ['create_worker', { name: uniqueName('w') }] : READS[i % READS.length]!;
        const outcome = await callTool(instance.url, client.token, tool, args as Record<string, unknown>);
        stats.add(outcome);
        outcomes.push({ ...outcome, write });
        if (outcome.status === 401 || outcome.status === 403) refusedValid.push(outcome);
        if (write && outcome.result?.id) created.push(outcome.result.id as string);
      }
    }),
  );
  return { stats, outcomes, created, refusedValid, seconds: (performance.now() - started) / 1000 };
}

/** Every successful mutation is in the database with its one audit event; no audit without a row. */
export async function verifyWrites(s: Scenario, created: string[]): Promise<{ ok: boolean; detail: string }> {
  const { PrismaService } = await import('@app/shared');
  const prisma = s.seeder.get(PrismaService);
  const workers = await prisma.worker.findMany({ where: { orgId: s.orgId }, select: { id: true } });
  const audits = await prisma.auditEvent.findMany({ where: { orgId: s.orgId, action: 'worker.created' }, select: { targetId: true } });
  const workerIds = new Set(workers.map((w) => w.id));
  const auditIds = audits.map((a) => a.targetId!);
  const missing = created.filter((id) => !workerIds.has(id));
  const unaudited = [...workerIds].filter((id) => !auditIds.includes(id));
  const orphanAudits = auditIds.filter((id) => !workerIds.has(id));
  const duplicates = auditIds.length - new Set(auditIds).size;
  const ok = missing.length === 0 && unaudited.length === 0 && orphanAudits.length === 0 && duplicates === 0;
  return {
    ok,
    detail: `${created.length} acknowledged creates, ${workerIds.size} rows, ${auditIds.length} audit events; missing ${missing.length}, rows without audit ${unaudited.length}, audit without row ${orphanAudits.length}, duplicate audits ${duplicates}`,
  };
}
