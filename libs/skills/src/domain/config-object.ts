import { DomainError, InvalidInputError } from '@app/shared';

export const CONFIG_OBJECT_TYPES = ['skill', 'agent', 'command', 'tool', 'mcp', 'hook', 'context', 'custom'] as const;
export type ConfigObjectType = (typeof CONFIG_OBJECT_TYPES)[number];
/** Types managed by the generic config object tools; skills have their own tools (SKILL.md is validated). */
export const GENERIC_CONFIG_OBJECT_TYPES = ['agent', 'command', 'tool', 'mcp', 'hook', 'context', 'custom'] as const;

export const MAX_CONTENT_LENGTH = 200_000;

export function normalizeObjectName(name: string, field = 'name'): string {
  const trimmed = name.trim();
  // Names end up in file names and plugin manifests: keep them printable and short.
  if (trimmed.length === 0 || trimmed.length > 100 || /[\u0000-\u001f\u007f/\\]/.test(trimmed)) {
    throw new InvalidInputError(`Invalid ${field}: use 1-100 printable characters without slashes.`, [
      { path: field, message: 'must be 1-100 printable characters without slashes' },
    ]);
  }
  return trimmed;
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
