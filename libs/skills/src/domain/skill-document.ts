import { parse } from 'yaml';
import { InvalidInputError } from '@app/shared';

export const SKILL_NAME_PATTERN = /^[a-z0-9-]{1,64}$/;
export const SKILL_DESCRIPTION_MAX = 1024;

export interface SkillDocument {
  name: string;
  description: string;
  body: string;
  frontMatter: Record<string, unknown>;
}

function invalid(field: string, problem: string, hint: string): never {
  throw new InvalidInputError(`Invalid SKILL.md in ${field}: ${problem}`, [{ path: field, message: problem }], hint);
}

const EXAMPLE = 'Start the text with:\n---\nname: weekly-status-report\ndescription: Writes a weekly status report from …\n---\nthen the instructions.';

/**
 * Parses SKILL.md: YAML front matter between `---` lines with `name` (lowercase letters, digits,
 * hyphens, at most 64) and `description` (at most 1024 characters), then the Markdown body.
 */
export function parseSkillMarkdown(content: string, field = 'content'): SkillDocument {
  const text = content.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const match = /^---\n([\s\S]*?)\n---[ \t]*(?:\n|$)([\s\S]*)$/.exec(text);
  if (!match) invalid(field, 'it does not start with a YAML front matter block between two "---" lines', EXAMPLE);
  let frontMatter: unknown;
  try {
    frontMatter = parse(match[1]!);
  } catch {
    invalid(field, 'the front matter is not valid YAML', EXAMPLE);
  }
  if (typeof frontMatter !== 'object' || frontMatter === null || Array.isArray(frontMatter)) {
    invalid(field, 'the front matter must be a YAML mapping with name and description', EXAMPLE);
  }
  const fm = frontMatter as Record<string, unknown>;
  const name = fm.name;
  if (typeof name !== 'string' || !SKILL_NAME_PATTERN.test(name)) {
    throw new InvalidInputError(
      `Invalid SKILL.md in ${field}: front matter "name" must be 1-64 lowercase letters, digits or hyphens.`,
      [{ path: `${field}.name`, message: 'must be 1-64 lowercase letters, digits or hyphens' }],
      'Use a name like "weekly-status-report".',
    );
  }
  const description = fm.description;
  if (typeof description !== 'string' || description.trim().length === 0 || description.length > SKILL_DESCRIPTION_MAX) {
    throw new InvalidInputError(
      `Invalid SKILL.md in ${field}: front matter "description" must be a non-empty string of at most ${SKILL_DESCRIPTION_MAX} characters.`,
      [{ path: `${field}.description`, message: `must be a non-empty string of at most ${SKILL_DESCRIPTION_MAX} characters` }],
      'Describe what the skill does and when an agent should use it, in one or two sentences.',
    );
  }
  return { name, description: description.trim(), body: match[2] ?? '', frontMatter: fm };
}
