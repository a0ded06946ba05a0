import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { statementNames } from './database.js';

describe('statementNames (PostgreSQL prepared statements)', () => {
  it('names one SQL text the same way every time and different texts differently', () => {
    const name = statementNames();
    const a = name({ sql: 'SELECT 1' });
    assert.ok(a);
    assert.equal(name({ sql: 'SELECT 1' }), a);
    const b = name({ sql: 'SELECT 2' });
    assert.ok(b && b !== a);
  });

  it('stops naming new texts at the cap, so variable SQL cannot fill every connection, and keeps the names it gave', () => {
    const name = statementNames(3);
    const given = ['a', 'b', 'c'].map((sql) => name({ sql }));
    assert.equal(new Set(given).size, 3);
    assert.equal(name({ sql: 'd' }), ''); // pg runs an empty name as the unnamed statement
    assert.equal(name({ sql: 'e' }), '');
    assert.deepEqual(['a', 'b', 'c'].map((sql) => name({ sql })), given);
  });
});
