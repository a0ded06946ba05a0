import { InvalidInputError } from '@app/shared';

export function normalizeTeamName(raw: string): string {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (name.length < 1 || name.length > 100) {
    throw new InvalidInputError('The team name must be 1-100 characters long.', [{ path: 'name', message: 'must be 1-100 characters' }]);
  }
  return name;
}

export function normalizeTeamDescription(raw: string | undefined): string | undefined {
  return raw === undefined ? undefined : raw.trim().slice(0, 1000);
}
