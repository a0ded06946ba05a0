import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { allowedNextStatuses, assertTransition, InvalidStatusTransitionError, WORKER_STATUSES } from './worker.js';

describe('worker status lifecycle', () => {
  it('walks the documented cycle', () => {
    const cycle = ['stopped', 'starting', 'running', 'stopping', 'stopped'] as const;
    for (let i = 0; i + 1 < cycle.length; i++) assertTransition('w', cycle[i], cycle[i + 1]);
    assertTransition('w', 'failed', 'starting');
  });

  it('refuses every other transition and names the allowed next states', () => {
    fc.assert(
      fc.property(fc.constantFrom(...WORKER_STATUSES), fc.constantFrom(...WORKER_STATUSES), (from, to) => {
        const allowed = allowedNextStatuses(from).includes(to);
        try {
          assertTransition('w', from, to);
          assert.ok(allowed);
        } catch (error) {
          assert.ok(!allowed);
          assert.ok(error instanceof InvalidStatusTransitionError);
          assert.deepEqual(error.details.allowedNextStatuses, allowedNextStatuses(from));
          assert.equal(error.code, 'invalid_status_transition');
        }
      }),
    );
  });
});
