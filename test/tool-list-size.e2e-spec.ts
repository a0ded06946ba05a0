import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatSizes, measureToolLists, MODEL_VISIBLE_TOKEN_LIMIT, WIRE_TOKEN_LIMIT, type ListSize } from '../bench/tool-list-size.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// The context a client spends on this server before the first call: the owner's full tools/list, counted in
// o200k tokens as `npm run measure:tools` prints it.
describe('tools/list size', () => {
  let t: TestApp;
  let sizes: ListSize[];
  before(async () => {
    t = await startTestApp();
    sizes = await measureToolLists(t);
  });
  after(() => t.close());

  const of = (label: string) => sizes.find((s) => s.label === label)!;

  it(`keeps the owner's full list under ${WIRE_TOKEN_LIMIT} wire tokens and ${MODEL_VISIBLE_TOKEN_LIMIT} model-visible tokens`, () => {
    const owner = of('owner');
    assert.ok(owner.wireTokens <= WIRE_TOKEN_LIMIT, `owner wire tokens ${owner.wireTokens} > ${WIRE_TOKEN_LIMIT}\n${formatSizes(sizes)}`);
    assert.ok(owner.modelTokens <= MODEL_VISIBLE_TOKEN_LIMIT, `owner model-visible tokens ${owner.modelTokens} > ${MODEL_VISIBLE_TOKEN_LIMIT}\n${formatSizes(sizes)}`);
  });

  it('gives smaller lists to narrower callers: a member, a read-only token and each toolset see less than the owner', () => {
    const owner = of('owner');
    for (const size of sizes.filter((s) => s.label !== 'owner' && s.label !== 'admin')) {
      assert.ok(size.tools < owner.tools && size.wireTokens < owner.wireTokens, `${size.label}: ${size.tools} tools, ${size.wireTokens} tokens`);
    }
  });
});
