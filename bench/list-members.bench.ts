// Seeds 100,000 members into one organization and pages through them 50 at a time, through the
// list_members use case and through the real MCP gateway. Run with DATABASE_URL for PostgreSQL.
import { MembersService } from '@app/members';
import { PrismaService, type Principal } from '@app/shared';
import { callTool, connectWithToken } from '../test/support/mcp.js';
import { createOrg, createUser } from '../test/support/fixtures.js';
import { onPostgres, startTestApp, unique } from '../test/support/test-app.js';
import { mintAccess } from '../test/support/tokens.js';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 100_000);
const PAGE = 50;
const GATEWAY_PAGES = 200;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function report(label: string, samples: number[]): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
  console.log(`${label}: ${samples.length} pages of ${PAGE}  p50 ${fmt(percentile(sorted, 50))}  p99 ${fmt(percentile(sorted, 99))}  max ${fmt(sorted.at(-1)!)}`);
}

async function main() {
  const t = await startTestApp({ env: { LOG_LEVEL: 'error' } });
  const prisma = t.get(PrismaService);
  const owner = await createUser(t, { name: 'Bench Owner' });
  const org = await createOrg(t, owner, { name: unique('Bench '), seats: MEMBERS * 2 });
  const tag = unique('b');
  try {
    const seedStart = performance.now();
    await prisma.$executeRaw`
      INSERT INTO "User" (id, email, name, "passwordHash", "createdAt", "updatedAt")
      SELECT gen_random_uuid()::text, ${tag} || '-' || g || '@bench.example.com', 'Bench User ' || g, 'not-a-hash', now(), now()
        FROM generate_series(1, ${MEMBERS}::int) AS g`;
    await prisma.$executeRaw`
      INSERT INTO "Membership" (id, "orgId", "userId", role, "createdAt", "updatedAt")
      SELECT gen_random_uuid()::text, ${org.id}, u.id, 'member', now(), now()
        FROM "User" u WHERE u.email LIKE ${`${tag}-%`}`;
    await prisma.$executeRawUnsafe('ANALYZE "User"');
    await prisma.$executeRawUnsafe('ANALYZE "Membership"');
    console.log(`${onPostgres ? 'PostgreSQL' : 'PGlite (embedded)'}: seeded ${MEMBERS} members in ${Math.round(performance.now() - seedStart)} ms`);

    const plan = await prisma.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(
      `EXPLAIN SELECT id FROM "Membership" WHERE "orgId" = $1 AND id > $2 ORDER BY id ASC LIMIT 51`,
      org.id,
      '00000000-0000-0000-0000-000000000000',
    );
    const planText = plan.map((row) => row['QUERY PLAN']).join('\n');
    console.log(`keyset query plan:\n${planText}`);
    if (!planText.includes('Membership_orgId_id_idx')) throw new Error('the keyset page does not use the (orgId, id) index');

    const members = t.get(MembersService);
    const principal: Principal = {
      orgId: org.id,
      userId: owner.id,
      membershipId: '',
      role: 'owner',
      permissions: new Set(['members:read']),
      scopes: new Set(['mcp:read']),
      clientId: 'bench',
      sessionId: '',
      grantId: '',
      organization: { id: org.id, name: org.name, slug: org.slug, plan: org.plan },
      account: { id: owner.id, email: owner.email, name: owner.name },
      clientName: 'bench',
    };
    const samples: number[] = [];
    let cursor: string | undefined;
    let seen = 0;
    do {
      const started = performance.now();
      const page = await members.list(principal, { limit: PAGE, cursor });
      samples.push(performance.now() - started);
      seen += page.items.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    if (seen !== MEMBERS + 1) throw new Error(`paged through ${seen} members, expected ${MEMBERS + 1}`);
    report('list_members use case', samples);

    // The same pages through HTTP, the MCP SDK client, the access recheck and the tool framework.
    const client = await connectWithToken(t.url, (await mintAccess(t, owner, org.id, 'mcp:read')).token);
    const gateway: number[] = [];
    cursor = undefined;
    for (let i = 0; i < GATEWAY_PAGES; i++) {
      const started = performance.now();
      const args: Record<string, unknown> = cursor ? { limit: PAGE, cursor } : { limit: PAGE };
      const result: { data: { nextCursor: string | null }; isError: boolean } = await callTool(client, 'list_members', args);
      const { data, isError } = result;
      gateway.push(performance.now() - started);
      if (isError) throw new Error('list_members failed through the gateway');
      cursor = data.nextCursor ?? undefined;
    }
    report('list_members via MCP gateway', gateway);
    await client.close();
  } finally {
    // PostgreSQL is shared: remove what we seeded (the embedded data dir is deleted with the app).
    if (onPostgres) {
      await prisma.organization.delete({ where: { id: org.id } });
      await prisma.$executeRaw`DELETE FROM "User" WHERE email LIKE ${`${tag}-%`}`;
    }
    await t.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
