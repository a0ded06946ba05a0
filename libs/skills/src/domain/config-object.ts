import { displayName, DomainError, InvalidInputError } from '@app/shared';

export const CONFIG_OBJECT_TYPES = ['skill', 'agent', 'command', 'tool', 'mcp', 'hook', 'context', 'custom'] as const;
export type ConfigObjectType = (typeof CONFIG_OBJECT_TYPES)[number];
/** Types managed by the generic config object tools; skills have their own tools (SKILL.md is validated). */
export const GENERIC_CONFIG_OBJECT_TYPES = ['agent', 'command', 'tool', 'mcp', 'hook', 'context', 'custom'] as const;

export const MAX_CONTENT_LENGTH = 200_000;

// A config object's name is a display name that also ends up in file names and plugin manifests,
// so on top of the one name rule it may not contain a slash.
export function objectName(raw: string, field = 'name'): string {
  const name = displayName(raw, { field });
  if (/[/\\]/.test(name)) {
    throw new InvalidInputError(`Invalid ${field}: use 1-100 printable characters without slashes.`, [
      { path: field, message: 'must be 1-100 printable characters without slashes' },
    ]);
  }
  return name;
}

export class VersionNotFoundError extends DomainError {
  constructor(resource: string, id: string, version: number, latestVersion: number) {
    super(
      'not_found',
      'version_not_found',
      `The ${resource} ${id} has no version ${version}; versions run from 1 to ${latestVersion}.`,
      { resource, id, version, latestVersion },
      'Omit version to get the latest one.',
    );
  }
}
