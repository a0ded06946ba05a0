// The retention loop on a database with months of traffic: 100,000 refresh-token rotations (1,000 token
// families of 100) and 100,000 audit events, most of them past retention, then one full pass. Prints rows
// before and after and the longest single delete batch (target: 100 ms on PostgreSQL). Runs on the
// embedded database, or on a throw-away database of the PostgreSQL server in DATABASE_URL.
import { PrismaService } from '@app/shared';
import { EMBEDDED_BATCH_SIZE, RETENTION_BATCH_SIZE, RetentionLoop } from '../apps/api/src/maintenance/retention-loop.service.js';
import { createOrg, createUser } from '../test/support/fixtures.js';
import { ownDatabase, startTestApp } from '../test/support/test-app.js';
import { loadavg } from 'node:os';
import { fmt, percentile } from './support.js';

const FAMILIES = 1_000;
const ROTATIONS_PER_FAMILY = 100;
const AUDIT_EVENTS = 100_000;
// A tenth of each stays within retention and must survive the pass.
const LIVE_SHARE = 0.1;

const own = await ownDatabase('bench_retention');
const t = await startTestApp({ env: own.env });
try {
  const prisma = t.get(PrismaService);
  const user = await createUser(t);
  const org = await createOrg(t, user);
  const session = await prisma.session.create({ data: { userId: user.id, tokenHash: `bench-${Date.now()}`, expiresAt: new Date(Date.now() + 14 * 86_400_000) } });
  const client = await prisma.oAuthClient.create({
    data: { id: `bench-${Date.now()}`, kind: 'first_party', clientName: 'Retention bench', redirectUris: [], grantTypes: [], responseTypes: [], scope: 'mcp:read' },
  });
  const liveFamilies = Math.round(FAMILIES * LIVE_SHARE);
  const seeding = performance.now();
  await prisma.$executeRaw`
    INSERT INTO "Grant" (id, "clientId", "userId", "sessionId", "orgId", scope, resource, "createdAt")
    SELECT 'bench-grant-' || g, ${client.id}, ${user.id}, ${session.id}, ${org.id}, 'mcp:read', ${t.config.mcpResourceUrl}, now() - interval '40 days'
    FROM generate_series(1, ${FAMILIES}) AS g`;
  // Each family is a chain: every token rotated into the next one, the last one unrotated. Old families
  // expired more than a week ago; live ones are still valid (and must stay).
  await prisma.$executeRaw`
    INSERT INTO "RefreshToken" (id, "grantId", "tokenHash", "parentId", scope, "createdAt", "expiresAt", "rotatedAt")
    SELECT 'bench-rt-' || g || '-' || r, 'bench-grant-' || g, md5('bench-rt-' || g || '-' || r || random()),
           CASE WHEN r > 1 THEN 'bench-rt-' || g || '-' || (r - 1) END, 'mcp:read',
           base + r * interval '15 minutes', base + r * interval '15 minutes' + interval '7 days',
           CASE WHEN r < ${ROTATIONS_PER_FAMILY} THEN base + (r + 1) * interval '15 minutes' END
    FROM generate_series(1, ${FAMILIES}) AS g, generate_series(1, ${ROTATIONS_PER_FAMILY}) AS r,
         LATERAL (SELECT CASE WHEN g <= ${liveFamilies} THEN now() - interval '1 day' ELSE now() - interval '40 days' END AS base) AS b`;
  await prisma.$executeRaw`
    INSERT INTO "AuditEvent" (id, "orgId", action, "targetType", details, "createdAt")
    SELECT 'bench-audit-' || n, ${org.id}, 'team.created', 'team', '{"name":"Platform"}'::jsonb,
           CASE WHEN n <= ${Math.round(AUDIT_EVENTS * LIVE_SHARE)} THEN now() - interval '100 days' ELSE now() - interval '400 days' END
    FROM generate_series(1, ${AUDIT_EVENTS}) AS n`;
  const seededMs = performance.now() - seeding;

  const count = async () => ({
    RefreshToken: await prisma.refreshToken.count(),
    AuditEvent: await prisma.auditEvent.count(),
    Grant: await prisma.grant.count(),
  });
  const before = await count();
  const report = await t.get(RetentionLoop).runOnce();
  if (!report.ran) throw new Error('another retention pass held the lock; run the benchmark again');
  const afterPass = await count();

  console.log(`retention pass on ${t.database.description} (batches of ${t.database.kind === 'embedded' ? EMBEDDED_BATCH_SIZE : RETENTION_BATCH_SIZE}; seeded in ${fmt(seededMs / 1000, 1)} s)`);
  for (const table of Object.keys(before) as (keyof typeof before)[]) {
    console.log(`  ${table.padEnd(13)} ${String(before[table]).padStart(7)} rows before, ${String(afterPass[table]).padStart(7)} after`);
  }
  for (const rule of report.rules.filter((r) => r.deleted)) {
    const sorted = [...rule.batchMs].sort((a, b) => a - b);
    console.log(`  ${rule.deletes}: ${rule.deleted} rows in ${rule.batches} batches; batch p50 ${fmt(percentile(sorted, 50), 1)} ms, p99 ${fmt(percentile(sorted, 99), 1)} ms, longest ${fmt(rule.longestBatchMs, 1)} ms`);
  }
  const all = report.rules.flatMap((r) => r.batchMs).sort((a, b) => a - b);
  console.log(`  pass: ${report.deleted} rows in ${fmt(report.tookMs / 1000, 2)} s; longest single batch ${fmt(report.longestBatchMs, 1)} ms (target <= 100 ms on PostgreSQL), p99 ${fmt(percentile(all, 99), 1)} ms; machine load average ${fmt(loadavg()[0]!, 1)}`);
  const expectedTokens = liveFamilies * ROTATIONS_PER_FAMILY;
  const expectedAudit = Math.round(AUDIT_EVENTS * LIVE_SHARE);
  const survivors = afterPass.RefreshToken >= expectedTokens && afterPass.AuditEvent >= expectedAudit;
  console.log(`  everything within retention kept: ${survivors ? 'yes' : 'NO'} (${expectedTokens} live tokens, ${expectedAudit} young audit events)`);
  if (!survivors) process.exitCode = 1;
} finally {
  await t.close();
  await own.drop();
}
