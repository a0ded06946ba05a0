import { InvalidInputError, slugify } from '@app/shared';

export const DEFAULT_SEAT_LIMIT = 5;
export const DEFAULT_PLAN = 'free';

// The organization's URL name; an organization named only in symbols still gets one.
export function organizationSlug(name: string): string {
  return slugify(name, 48) || 'org';
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
