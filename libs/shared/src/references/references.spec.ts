import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../errors/domain-error.js';
import { closestNames, pickOptionalReference, pickReference, tableReference } from './references.js';

describe('references', () => {
  it('suggests up to three close names: typos and containment, never far ones', () => {
    const names = ['Sales', 'Sales EMEA', 'Support', 'Marketing', 'Engineering'];
    assert.deepEqual(closestNames('Slaes', names), ['Sales']);
    assert.deepEqual(closestNames('sales', names).slice(0, 2), ['Sales', 'Sales EMEA']);
    assert.ok(closestNames('s', ['sa', 'sb', 'sc', 'sd']).length <= 3);
    assert.deepEqual(closestNames('Zz9', names), []);
    assert.deepEqual(closestNames('   ', names), []);
    assert.deepEqual(closestNames('admn', ['owner', 'admin', 'member']), ['admin']);
  });

  it('takes the noun or the older …Id form, one of them, agreeing when both are given', () => {
    assert.equal(pickReference({ skill: 'weekly', skillId: undefined }, 'skill', 'skillId'), 'weekly');
    assert.equal(pickReference({ skill: undefined, skillId: 'id-1' }, 'skill', 'skillId'), 'id-1');
    assert.equal(pickReference({ skill: 'id-1', skillId: 'id-1' }, 'skill', 'skillId'), 'id-1');
    assert.throws(() => pickReference({ skill: 'a', skillId: 'b' }, 'skill', 'skillId'), InvalidInputError);
    assert.throws(() => pickReference({ skill: undefined, skillId: undefined }, 'skill', 'skillId'), (e: InvalidInputError) => (e.details.fields as { path: string }[])[0]!.path === 'skill');
    assert.equal(pickOptionalReference({ team: undefined, teamId: undefined }, 'team', 'teamId'), undefined);
  });

  it('accepts only a plain model name as an area table', () => {
    assert.deepEqual(tableReference('Worker', 'worker', 'list_workers').source, { table: 'Worker' });
    for (const bad of ['worker', 'Worker"; DROP', 'Work er', '']) assert.throws(() => tableReference(bad, 'x', 'y'));
  });
});
