import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Clock, type AppConfig } from '@app/shared';
import { REQUEST_STATE_TTL_MS, RequestStateSeal } from './request-state.seal.js';

function sealWith(key: Buffer, clock = new Clock()) {
  return new RequestStateSeal({ secretsKey: key } as AppConfig, clock);
}

describe('RequestStateSeal', () => {
  const key = randomBytes(32);

  it('opens what it sealed, on another instance with the same SECRETS_KEY', () => {
    const { state } = sealWith(key).seal({ nonce: 'n1', digest: 'd1', approvalId: 'a1' });
    const opened = sealWith(key).unseal(state);
    assert.ok(opened.ok);
    assert.deepEqual([opened.payload.nonce, opened.payload.digest, opened.payload.approvalId], ['n1', 'd1', 'a1']);
  });

  it('refuses a state sealed under another key, or altered anywhere', () => {
    const { state } = sealWith(key).seal({ nonce: 'n1', digest: 'd1' });
    assert.deepEqual(sealWith(randomBytes(32)).unseal(state), { ok: false, reason: 'signature' });
    for (let i = 3; i < state.length; i += 7) {
      const altered = state.slice(0, i) + (state[i] === 'x' ? 'y' : 'x') + state.slice(i + 1);
      const result = sealWith(key).unseal(altered);
      assert.equal(result.ok, false, `position ${i}`);
    }
  });

  it('expires after 10 minutes on the server clock', () => {
    const clock = new Clock();
    const seal = sealWith(key, clock);
    const { state, expiresAt } = seal.seal({ nonce: 'n1', digest: 'd1' });
    assert.ok(Math.abs(expiresAt.getTime() - (Date.now() + REQUEST_STATE_TTL_MS)) < 1000);
    clock.advance(REQUEST_STATE_TTL_MS - 1000);
    assert.equal(seal.unseal(state).ok, true);
    clock.advance(2000);
    assert.deepEqual(seal.unseal(state), { ok: false, reason: 'expired' });
  });

  it('refuses malformed input without throwing', () => {
    for (const junk of ['', 'v1', 'v1..', 'v2.a.b', 'v1.!!!.b', `v1.${'a'.repeat(5000)}.b`, 'v1.a.b.c']) {
      const result = sealWith(key).unseal(junk);
      assert.equal(result.ok, false, junk.slice(0, 20));
    }
  });
});
