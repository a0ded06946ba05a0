import { z } from 'zod';
import { DomainError, InvalidInputError } from '../errors/domain-error.js';

/**
 * Where a kind of reference is looked up: one of the kinds several areas share (the repository holds their
 * queries), or an area's own table with an `id`, `orgId` and `name` column.
 */
export type ReferenceSource = 'member' | 'invitation' | 'team' | 'role' | 'config_object' | 'plugin' | 'marketplace' | { table: string };

export interface ReferenceKind {
  source: ReferenceSource;
  /** How errors name it: "team", "skill", "config object"… */
  resource: string;
  /** The tool that lists what this reference may name. */
  listTool: string;
}

/** The kinds several areas refer to; one list so the same thing is named the same way everywhere. */
export const REFERENCE = {
  member: { source: 'member', resource: 'member', listTool: 'find_people' },
  invitation: { source: 'invitation', resource: 'pending invitation', listTool: 'list_invitations' },
  team: { source: 'team', resource: 'team', listTool: 'list_teams' },
  role: { source: 'role', resource: 'role', listTool: 'list_roles' },
  skill: { source: 'config_object', resource: 'skill', listTool: 'list_skills' },
  configObject: { source: 'config_object', resource: 'config object', listTool: 'list_config_objects' },
  plugin: { source: 'plugin', resource: 'plugin', listTool: 'list_plugins' },
  marketplace: { source: 'marketplace', resource: 'marketplace', listTool: 'list_marketplaces' },
} as const satisfies Record<string, ReferenceKind>;

/** An area's own kind: its rows named by `name` in a table of its own (a new area needs nothing more). */
export function tableReference(table: string, resource: string, listTool: string): ReferenceKind {
  // The table name becomes SQL text: only a plain model name is accepted.
  if (!/^[A-Z][A-Za-z0-9]{0,62}$/.test(table)) throw new Error(`Not a model table name: ${table}`);
  return { source: { table }, resource, listTool };
}

/** What a reference resolved to; `type` for config objects, `email` for people. */
export interface Referent {
  id: string;
  name: string;
  type?: string;
  email?: string;
}

export class AmbiguousReferenceError extends DomainError {
  constructor(kind: ReferenceKind, reference: string, candidates: Referent[]) {
    super(
      'conflict',
      'ambiguous_reference',
      `${candidates.length} ${kind.resource}s match ${JSON.stringify(reference)} (names are compared ignoring case).`,
      { resource: kind.resource, reference, candidates },
      `Call again with the id of the one you mean (details.candidates).`,
    );
  }
}

export class ReferenceNotFoundError extends DomainError {
  constructor(kind: ReferenceKind, reference: string, suggestions: string[]) {
    const closest = suggestions.length ? ` Closest names: ${suggestions.map((s) => JSON.stringify(s)).join(', ')}.` : '';
    super(
      'not_found',
      'not_found',
      `No ${kind.resource} with the id or name ${JSON.stringify(reference)} exists in this organization.${closest}`,
      { resource: kind.resource, id: reference, suggestions, listTool: kind.listTool },
      suggestions.length
        ? `If you meant ${JSON.stringify(suggestions[0])}, call again with that name; otherwise call ${kind.listTool} to see what exists.`
        : `Call ${kind.listTool} to see what exists.`,
    );
  }
}

/** Edit distance between two short strings (names), for suggestions. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Up to three names close to what was asked for: a typo (a few edits for the length) or one containing the
 * other. Names far from it are not suggestions, they would only mislead.
 */
export function closestNames(reference: string, names: readonly string[], max = 3): string[] {
  const wanted = reference.trim().toLowerCase().slice(0, 100);
  if (!wanted) return [];
  const scored = [...new Set(names)].flatMap((name) => {
    const lower = name.toLowerCase();
    const edits = distance(wanted, lower.slice(0, 100));
    const contains = lower.includes(wanted) || wanted.includes(lower);
    const close = edits <= Math.max(2, Math.floor(Math.max(wanted.length, lower.length) / 3));
    return contains || close ? [{ name, score: contains ? Math.min(edits, 1) : edits }] : [];
  });
  return scored
    .sort((x, y) => x.score - y.score || x.name.localeCompare(y.name))
    .slice(0, max)
    .map((s) => s.name);
}

/**
 * JSON Schema annotations that only the tool list reads (and removes): a field the server accepts but does
 * not advertise, and an optional field advertised as required (its older form is the other way to give it).
 */
export const UNADVERTISED = 'x-unadvertised';
export const ADVERTISED_REQUIRED = 'x-advertised-required';

/** A reference field: the id or the name of something, as a tool input. */
export function referenceField(description: string) {
  return z.string().min(1).max(254).describe(description);
}

/** The reference a tool needs, under its noun; optional in the schema only because its older `…Id` form may carry it. */
export function requiredReference(description: string) {
  return z.string().min(1).max(254).optional().meta({ description, [ADVERTISED_REQUIRED]: true });
}

/** The older `…Id` form of a reference field: still accepted, no longer advertised (the noun takes the same id or name). */
export function legacyIdField(noun: string) {
  return z.string().min(1).max(100).optional().meta({ description: `Older name of ${noun}`, [UNADVERTISED]: true });
}

/**
 * The one reference a tool input carries under its noun (`skill`) or its older id form (`skillId`).
 * Exactly one is needed; both are accepted when they agree.
 */
export function pickReference<T extends Record<string, unknown>>(input: T, noun: keyof T & string, legacy: keyof T & string): string {
  const a = input[noun] as string | undefined;
  const b = input[legacy] as string | undefined;
  if (a !== undefined && b !== undefined && a !== b) {
    throw new InvalidInputError(`Give ${noun} or ${legacy}, not two different values.`, [{ path: legacy, message: `conflicts with ${noun}` }], `Pass only ${noun} (an id or a name).`);
  }
  const value = a ?? b;
  if (value === undefined) {
    throw new InvalidInputError(`Invalid input: ${noun} is required.`, [{ path: noun, message: 'required (an id or a name)' }], `Pass ${noun}: the id or the name.`);
  }
  return value;
}

/** Like pickReference, for an optional reference (a filter). */
export function pickOptionalReference<T extends Record<string, unknown>>(input: T, noun: keyof T & string, legacy: keyof T & string): string | undefined {
  return input[noun] === undefined && input[legacy] === undefined ? undefined : pickReference(input, noun, legacy);
}
