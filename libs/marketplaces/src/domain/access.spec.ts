import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '@app/shared';
import { strongestRole, toSubject } from './access.js';

describe('access grants', () => {
  it('takes exactly one subject and names the field that is off', () => {
    assert.deepEqual(toSubject({ subjectType: 'org' }), { type: 'org' });
    assert.deepEqual(toSubject({ subjectType: 'team', team: 't' }), { type: 'team', teamId: 't' });
    assert.deepEqual(toSubject({ subjectType: 'member', member: 'm' }), { type: 'member', membershipId: 'm' });
    const path = (input: Parameters<typeof toSubject>[0]) => {
      try {
        toSubject(input);
        return null;
      } catch (error) {
        assert.ok(error instanceof InvalidInputError);
        return (error.details.fields as { path: string }[])[0]!.path;
      }
    };
    assert.equal(path({ subjectType: 'team' }), 'team');
    assert.equal(path({ subjectType: 'member' }), 'member');
    assert.equal(path({ subjectType: 'org', team: 't' }), 'team');
    assert.equal(path({ subjectType: 'team', team: 't', member: 'm' }), 'member');
  });

  it('resolves the strongest of several roles', () => {
    assert.equal(strongestRole([]), null);
    assert.equal(strongestRole(['viewer', 'manager', 'editor']), 'manager');
    assert.equal(strongestRole(['viewer', 'editor']), 'editor');
  });
});
