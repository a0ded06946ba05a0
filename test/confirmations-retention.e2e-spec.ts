import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DAY_MS, PrismaService } from '@app/shared';
import { RetentionLoop } from '../apps/api/src/maintenance/retention-loop.service.js';
import { createOrg, createUser } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const MINUTE = 60_000;
const ago = (ms: number) => new Date(Date.now() - ms);
const ahead = (ms: number) => new Date(Date.now() + ms);

describe('retention of confirmations', () => {
  let t: TestApp;
  let prisma: PrismaService;
  before(async () => {
    t = await startTestApp();
    prisma = t.get(PrismaService);
  });
  after(() => t.close());

  async function runPass() {
    // Another suite's pass on a shared PostgreSQL database may hold the lock for a moment.
    for (let attempt = 0; attempt < 50; attempt++) {
      if ((await t.get(RetentionLoop).runOnce()).ran) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('retention pass never got the lock');
  }

  it('deletes approvals a day after they expired, whatever their status, and never a live one', async () => {
    const owner = await createUser(t);
    const org = await createOrg(t, owner);
    const approval = (expiresAt: Date, status: 'pending' | 'approved' | 'rejected' | 'used') =>
      prisma.approval.create({
        data: {
          id: randomBytes(16).toString('base64url'),
          orgId: org.id,
          userId: owner.id,
          membershipId: 'm',
          grantId: 'g',
          clientId: 'c',
          tool: 'remove_member',
          argumentsDigest: 'd',
          summary: 'Remove someone',
          status,
          expiresAt,
        },
      });
    const old = await Promise.all((['pending', 'approved', 'rejected', 'used'] as const).map((s) => approval(ago(DAY_MS + MINUTE), s)));
    const recent = await approval(ago(DAY_MS - MINUTE), 'rejected');
    const live = await approval(ahead(5 * MINUTE), 'pending');
    await runPass();
    const left = new Set((await prisma.approval.findMany({ where: { orgId: org.id }, select: { id: true } })).map((a) => a.id));
    for (const gone of old) assert.equal(left.has(gone.id), false, gone.status);
    assert.ok(left.has(recent.id));
    assert.ok(left.has(live.id));
  });

  it('deletes spent requestState nonces a day after their state expired; a nonce whose state still lives stays spent', async () => {
    const nonce = (expiresAt: Date) => prisma.usedRequestState.create({ data: { id: randomBytes(16).toString('base64url'), expiresAt } });
    const old = await nonce(ago(DAY_MS + MINUTE));
    const recent = await nonce(ago(DAY_MS - MINUTE));
    const live = await nonce(ahead(9 * MINUTE));
    await runPass();
    const exists = async (id: string) => (await prisma.usedRequestState.count({ where: { id } })) === 1;
    assert.equal(await exists(old.id), false);
    assert.equal(await exists(recent.id), true);
    assert.equal(await exists(live.id), true);
  });
});
