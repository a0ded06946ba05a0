import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IdleMemory } from '../apps/api/src/health/idle-memory.service.js';
import { createOrg, createUser } from './support/fixtures.js';
import { rawMcp } from './support/mcp.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { mintAccess } from './support/tokens.js';

const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function collectionAfter(idle: IdleMemory, count: number, timeoutMs = 60_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; idle.collections <= count; await sleep(200)) {
    if (Date.now() > deadline) throw new Error(`no idle collection within ${timeoutMs} ms`);
  }
}

// Short-lived objects with some survivors, the way a burst of requests leaves them: V8 grows its young
// generation and old space, then keeps the freed pages.
async function burst(): Promise<void> {
  let kept: unknown[][] = [];
  for (let round = 0; round < 150; round++) {
    kept.push(Array.from({ length: 20_000 }, (_, i) => ({ i, text: `row ${i}`, pair: [i, i + 1] })));
    if (kept.length > 20) kept.shift();
    await new Promise((resolve) => setImmediate(resolve));
  }
  kept = [];
}

describe('idle memory: the pages of a burst go back to the system once the server is quiet', () => {
  let t: TestApp;
  let idle: IdleMemory;
  let token: string;

  before(async () => {
    // Requests as fast as the server answers, from one grant: its per-minute budget would answer 429 instead.
    t = await startTestApp({ env: { RATE_LIMITS: 'off' } });
    idle = t.get(IdleMemory);
    const owner = await createUser(t);
    token = (await mintAccess(t, owner, (await createOrg(t, owner)).id)).token;
  });
  after(() => t.close());

  it('collects after a burst, not during it, and the resident size falls back', async () => {
    await collectionAfter(idle, 0);
    const settled = idle.collections;
    // Requests for a few seconds keep the event loop busy: no collection may interrupt them.
    const until = Date.now() + 5_000;
    const clients = Array.from({ length: 8 }, async () => {
      while (Date.now() < until) {
        const res = await rawMcp(t.url, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { authorization: `Bearer ${token}` });
        assert.equal(res.status, 200);
        await res.arrayBuffer();
      }
    });
    await Promise.all([...clients, burst()]);
    assert.equal(idle.collections, settled, 'collected while requests were being served');
    const peak = process.memoryUsage.rss();
    await collectionAfter(idle, settled);
    const after = process.memoryUsage.rss();
    assert.ok(peak - after > 100 * MB, `RSS ${Math.round(peak / MB)} MB → ${Math.round(after / MB)} MB`);
  });

  it('leaves a quiet server that has not grown alone', async () => {
    const count = idle.collections;
    await sleep(10_000);
    assert.equal(idle.collections, count);
  });
});
