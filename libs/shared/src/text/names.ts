import { InvalidInputError } from '../errors/domain-error.js';

// Control characters (C0, DEL, C1) hide in logs and lists; after whitespace is collapsed none may remain.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The one rule for a display name (people, organizations, roles, teams, catalog items, connectors,
 * workers, providers): trimmed, every run of whitespace one space, no control characters, 1-max long.
 */
export function displayName(raw: string, options: { field?: string; max?: number } = {}): string {
  const field = options.field ?? 'name';
  const max = options.max ?? 100;
  const name = raw.trim().replace(/\s+/g, ' ');
  if (name.length === 0 || name.length > max || CONTROL.test(name)) {
    throw new InvalidInputError(`Invalid ${field}: use 1-${max} printable characters.`, [{ path: field, message: `must be 1-${max} printable characters` }]);
  }
  return name;
}

/** The one slug rule: ASCII lowercase letters and digits joined by single hyphens, accents folded. */
export function slugify(text: string, max: number): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
}
