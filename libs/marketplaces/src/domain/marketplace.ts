import { InvalidInputError } from '@app/shared';

// Used by share_skill when the organization has no marketplace yet.
export const DEFAULT_MARKETPLACE = { name: 'default', description: 'Plugins shared with the organization.' };

export function normalizeMarketplaceName(name: string, field = 'name'): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 100 || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new InvalidInputError(`Invalid ${field}: use 1-100 printable characters.`, [{ path: field, message: 'must be 1-100 printable characters' }]);
  }
  return trimmed;
}
