import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { argumentsDigest } from './arguments-digest.js';

const base = { tool: 'remove_member', resolved: { membershipId: 'm1', extra: { b: 1, a: [1, 2] } }, userId: 'u', orgId: 'o', grantId: 'g' };

describe('argumentsDigest', () => {
  it('does not depend on key order', () => {
    const reordered = { grantId: 'g', orgId: 'o', userId: 'u', resolved: { extra: { a: [1, 2], b: 1 }, membershipId: 'm1' }, tool: 'remove_member' };
    assert.equal(argumentsDigest(reordered), argumentsDigest(base));
  });

  it('changes with every bound field', () => {
    const digest = argumentsDigest(base);
    for (const changed of [
      { ...base, tool: 'delete_team' },
      { ...base, resolved: { ...base.resolved, membershipId: 'm2' } },
      { ...base, resolved: { ...base.resolved, extra: { b: 1, a: [2, 1] } } },
      { ...base, userId: 'u2' },
      { ...base, orgId: 'o2' },
      { ...base, grantId: 'g2' },
    ]) {
      assert.notEqual(argumentsDigest(changed), digest);
    }
  });

  it('keeps strings that look alike apart', () => {
    assert.notEqual(argumentsDigest({ ...base, resolved: { a: '1' } }), argumentsDigest({ ...base, resolved: { a: 1 } }));
    assert.notEqual(argumentsDigest({ ...base, resolved: { a: 'x,"b":1' } }), argumentsDigest({ ...base, resolved: { a: 'x', b: 1 } }));
  });
});
