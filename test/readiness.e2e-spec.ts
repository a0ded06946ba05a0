import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Logger, type LoggerService } from '@nestjs/common';
import { PrismaService } from '@app/shared';
import { ReadinessService } from '../apps/api/src/health/readiness.service.js';
import { ownDatabase, startTestApp, type TestApp } from './support/test-app.js';

async function readyz(t: TestApp) {
  const res = await fetch(`${t.url}/readyz`);
  return { status: res.status, body: await res.text(), retryAfter: res.headers.get('retry-after') };
}

// The reason is for the operator's log; the probe's body says only that the instance is not ready.
function assertUnreadyWithoutReason(probe: { status: number; body: string; retryAfter: string | null }) {
  assert.equal(probe.status, 503);
  assert.deepEqual(JSON.parse(probe.body), { status: 'unavailable' });
  assert.equal(probe.retryAfter, '5');
}

// What the instance tells its operator, to check the reason is logged once per change, not per probe.
class CapturingLogger implements LoggerService {
  readonly lines: { level: string; context?: string; message: string }[] = [];
  log(message: unknown, context?: string) { this.lines.push({ level: 'log', context, message: String(message) }); }
  error(message: unknown, _trace?: string, context?: string) { this.lines.push({ level: 'error', context, message: String(message) }); }
  warn(message: unknown, context?: string) { this.lines.push({ level: 'warn', context, message: String(message) }); }
  debug() {}
  verbose() {}
}

describe('readiness (/readyz)', () => {
  it('is 200 on a healthy instance', async () => {
    const t = await startTestApp();
    try {
      const probe = await readyz(t);
      assert.equal(probe.status, 200);
      assert.deepEqual(await t.get(ReadinessService).check(), { ready: true });
    } finally {
      await t.close();
    }
  });

  it('is 503 while the database does not answer, and 200 again when it does', async () => {
    const own = await ownDatabase('ready_db');
    const t = await startTestApp({ env: own.env });
    const { Client } = await import('pg');
    const admin = own.url ? new Client({ connectionString: Object.assign(new URL(own.url), { pathname: '/postgres' }).href }) : undefined;
    const name = own.url ? new URL(own.url).pathname.slice(1) : '';
    try {
      assert.equal((await readyz(t)).status, 200);
      if (admin) {
        await admin.connect();
        await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
        await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [name]);
      } else {
        await t.database.close();
      }
      assertUnreadyWithoutReason(await readyz(t));
      const state = await t.get(ReadinessService).check();
      assert.equal(state.ready, false);
      assert.match((state as { reason: string }).reason, /database does not answer/);
      if (admin) {
        await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
        assert.equal((await readyz(t)).status, 200, 'ready again once the database is back');
      }
    } finally {
      await t.close().catch(() => {});
      await admin?.end();
      await own.drop();
    }
  });

  it('is 503 while a migration this build ships is not applied to the database', async () => {
    const own = await ownDatabase('ready_mig');
    const t = await startTestApp({ env: own.env });
    try {
      assert.equal((await readyz(t)).status, 200);
      const prisma = t.get(PrismaService);
      // As if this build were deployed onto a database one migration behind it.
      const [latest] = await prisma.$queryRaw<{ migration_name: string }[]>`
        SELECT migration_name FROM _prisma_migrations ORDER BY migration_name DESC LIMIT 1`;
      await prisma.$executeRaw`UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = ${latest!.migration_name}`;
      const logs = new CapturingLogger();
      Logger.overrideLogger(logs);
      assertUnreadyWithoutReason(await readyz(t));
      assertUnreadyWithoutReason(await readyz(t));
      const said = logs.lines.filter((l) => l.context === 'Readiness');
      assert.deepEqual(said.map((l) => [l.level, l.message]), [['warn', `Not ready: migrations pending: ${latest!.migration_name}`]], 'the reason is logged, once');
      const state = await t.get(ReadinessService).check();
      assert.equal(state.ready, false);
      assert.match((state as { reason: string }).reason, new RegExp(`migrations pending: ${latest!.migration_name}`));

      // A rolled-back record is not an applied migration either.
      await prisma.$executeRaw`UPDATE _prisma_migrations SET finished_at = now(), rolled_back_at = now() WHERE migration_name = ${latest!.migration_name}`;
      assertUnreadyWithoutReason(await readyz(t));

      await prisma.$executeRaw`UPDATE _prisma_migrations SET rolled_back_at = NULL WHERE migration_name = ${latest!.migration_name}`;
      assert.equal((await readyz(t)).status, 200);
      assert.ok(logs.lines.some((l) => l.context === 'Readiness' && l.message === 'Ready again'));
    } finally {
      await t.close();
      await own.drop();
    }
  });

  it('is 503 on an instance whose SECRETS_KEY cannot open the active signing key', async () => {
    const own = await ownDatabase('ready_key');
    const first = await startTestApp({ env: own.env });
    try {
      // The first instance creates the signing key, sealed with its SECRETS_KEY.
      assert.equal((await fetch(`${first.url}/oauth/jwks`)).status, 200);
      const wrongKey = await startTestApp({ sharing: first, env: { ...own.env, SECRETS_KEY: randomBytes(32).toString('hex') } });
      try {
        assertUnreadyWithoutReason(await readyz(wrongKey));
        const state = await wrongKey.get(ReadinessService).check();
        assert.equal(state.ready, false);
        assert.match((state as { reason: string }).reason, /cannot be decrypted with this SECRETS_KEY/);
        // The instance with the right key stays ready, and so does the shared key.
        assert.equal((await readyz(first)).status, 200);
        const sameKey = await startTestApp({ sharing: first, env: own.env });
        try {
          assert.equal((await readyz(sameKey)).status, 200);
        } finally {
          await sameKey.close();
        }
      } finally {
        await wrongKey.close();
      }
    } finally {
      await first.close();
      await own.drop();
    }
  });
});
