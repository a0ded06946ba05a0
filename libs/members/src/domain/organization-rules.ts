import { InvalidInputError } from '@app/shared';

export const DEFAULT_SEAT_LIMIT = 5;
export const DEFAULT_PLAN = 'free';

export function normalizeOrgName(raw: string): string {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (name.length < 1 || name.length > 100) {
    throw new InvalidInputError('The organization name must be 1-100 characters long.', [{ path: 'name', message: 'must be 1-100 characters' }]);
  }
  return name;
}

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return slug || 'org';
}

const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

export function normalizeEmailDomains(raw: readonly string[], path = 'domains'): string[] {
  const domains = raw.map((d) => d.trim().toLowerCase().replace(/^@/, '')).filter(Boolean);
  const invalid = domains.filter((d) => !DOMAIN.test(d));
  if (invalid.length > 0) {
    throw new InvalidInputError(
      `Not valid email domains: ${invalid.slice(0, 5).join(', ')}.`,
      invalid.slice(0, 20).map((d) => ({ path, message: `"${d.slice(0, 100)}" is not a domain name like example.com` })),
    );
  }
  return [...new Set(domains)].sort();
}

export function assertSeatLimit(seats: number, path = 'seatLimit'): number {
  if (!Number.isInteger(seats) || seats < 1 || seats > 1_000_000) {
    throw new InvalidInputError('The seat limit must be a whole number from 1 to 1000000.', [{ path, message: 'must be an integer 1-1000000' }]);
  }
  return seats;
}
