import { z } from 'zod';

// Request bodies nest no deeper than this: far above any tool input, far below what recursive code
// (serializers, validators, the database driver) survives.
export const MAX_BODY_DEPTH = 64;

// Free-form objects in tool input (connector config, config-object metadata): documented in README.
export const FREE_FORM_MAX_DEPTH = 8;
export const FREE_FORM_MAX_JSON_CHARS = 20_000;
export const FREE_FORM_MAX_KEY_LENGTH = 100;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * True when raw JSON text nests objects/arrays deeper than `limit`, found by one pass over the bytes
 * (brackets inside strings do not count) so a hostile body is refused before it is parsed.
 */
export function nestsDeeperThan(raw: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i]!;
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

export interface JsonEntry {
  /** Dotted path with [i] for array items, e.g. `auth.headers[0].name`. */
  path: string;
  key: string;
  value: unknown;
  /** 1 for the members of the top-level object. */
  depth: number;
}

/** Every object member at every depth (objects inside arrays too), walked without recursion. */
export function* jsonEntries(root: unknown, maxDepth = Number.POSITIVE_INFINITY): Generator<JsonEntry> {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value: root, path: '', depth: 0 }];
  while (pending.length > 0) {
    const { value, path, depth } = pending.pop()!;
    if (typeof value !== 'object' || value === null || depth >= maxDepth) continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) pending.push({ value: value[i], path: `${path}[${i}]`, depth });
      continue;
    }
    const entries = Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, item] = entries[i]!;
      const itemPath = path ? `${path}.${key}` : key;
      yield { path: itemPath, key, value: item, depth: depth + 1 };
      pending.push({ value: item, path: itemPath, depth: depth + 1 });
    }
  }
}

/** Depth of a parsed value: 0 for a scalar, 1 for a flat object or array; stops counting past `cap`. */
export function jsonDepth(root: unknown, cap = Number.POSITIVE_INFINITY): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[root, 0]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > cap) return deepest;
    for (const item of Array.isArray(value) ? value : Object.values(value)) pending.push([item, level]);
  }
  return deepest;
}

/**
 * A free-form JSON object in tool input, with the documented depth, size and key-length limits; a
 * violation is an ordinary validation issue, so the caller gets `invalid_input` naming the field.
 */
export function freeFormObject() {
  return z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
    const depth = jsonDepth(value, FREE_FORM_MAX_DEPTH);
    if (depth > FREE_FORM_MAX_DEPTH) {
      ctx.addIssue({ code: 'custom', message: `nests deeper than ${FREE_FORM_MAX_DEPTH} levels of objects and arrays` });
      return;
    }
    for (const entry of jsonEntries(value)) {
      if (entry.key.length > FREE_FORM_MAX_KEY_LENGTH) {
        ctx.addIssue({ code: 'custom', message: `key at ${entry.path.slice(0, 200)} is longer than ${FREE_FORM_MAX_KEY_LENGTH} characters` });
        return;
      }
    }
    if (JSON.stringify(value).length > FREE_FORM_MAX_JSON_CHARS) {
      ctx.addIssue({ code: 'custom', message: `at most ${FREE_FORM_MAX_JSON_CHARS} characters of JSON` });
    }
  });
}
