import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { InvalidInputError } from '@app/shared';
import { parseSkillMarkdown } from './skill-document.js';

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof InvalidInputError);
    return (error.details.fields as { path: string }[])[0]?.path;
  }
  return undefined;
}

describe('SKILL.md parsing', () => {
  it('reads name, description and body', () => {
    const doc = parseSkillMarkdown('---\nname: weekly-status\ndescription: Writes a weekly status report.\n---\n# Steps\nDo it.\n');
    assert.equal(doc.name, 'weekly-status');
    assert.equal(doc.description, 'Writes a weekly status report.');
    assert.equal(doc.body, '# Steps\nDo it.\n');
  });

  it('accepts CRLF line endings and a byte order mark', () => {
    const doc = parseSkillMarkdown('\uFEFF---\r\nname: a1\r\ndescription: d\r\n---\r\nbody');
    assert.equal(doc.name, 'a1');
    assert.equal(doc.body, 'body');
  });

  it('names the field that is wrong', () => {
    assert.equal(fieldOf(() => parseSkillMarkdown('no front matter')), 'content');
    assert.equal(fieldOf(() => parseSkillMarkdown('---\n: [\n---\n')), 'content');
    assert.equal(fieldOf(() => parseSkillMarkdown('---\nname: Weekly Status\ndescription: d\n---\n')), 'content.name');
    assert.equal(fieldOf(() => parseSkillMarkdown(`---\nname: ${'a'.repeat(65)}\ndescription: d\n---\n`)), 'content.name');
    assert.equal(fieldOf(() => parseSkillMarkdown('---\nname: ok\n---\n')), 'content.description');
    assert.equal(fieldOf(() => parseSkillMarkdown(`---\nname: ok\ndescription: ${'d'.repeat(1025)}\n---\n`)), 'content.description');
  });

  it('accepts exactly the names made of lowercase letters, digits and hyphens up to 64', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 70 }), (name) => {
        const valid = /^[a-z0-9-]{1,64}$/.test(name);
        const doc = `---\nname: ${JSON.stringify(name)}\ndescription: d\n---\n`;
        assert.equal(fieldOf(() => parseSkillMarkdown(doc)) === undefined, valid);
      }),
    );
  });
});
