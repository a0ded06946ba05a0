import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { jsonDepth, jsonEntries, nestsDeeperThan } from './json-shape.js';

describe('JSON shape', () => {
  it('the byte scan agrees with the depth of the parsed value, strings and escapes included', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 12 }), fc.integer({ min: 0, max: 14 }), (value, limit) => {
        const raw = Buffer.from(JSON.stringify(value));
        assert.equal(nestsDeeperThan(raw, limit), jsonDepth(value) > limit);
      }),
    );
    assert.equal(nestsDeeperThan(Buffer.from('{"a":"[[[[\\"[[[["}'), 1), false);
    assert.equal(nestsDeeperThan(Buffer.from('[[['), 2), true);
  });

  it('walks every member at every depth, objects inside arrays included, without recursion', () => {
    const paths = [...jsonEntries({ a: [{ b: 1 }, [{ c: { d: 2 } }]], e: null })].map((e) => e.path);
    assert.deepEqual(paths.sort(), ['a', 'a[0].b', 'a[1][0].c', 'a[1][0].c.d', 'e']);
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = { k: deep };
    assert.equal([...jsonEntries(deep)].length, 200_000);
    assert.equal(jsonDepth(deep, 10), 11);
  });
});
