import { InvalidInputError } from '@app/shared';

// Deliberately permissive about what an address looks like, strict about what it must not contain.
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

export function normalizeEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) {
    throw new InvalidInputError(`"${raw.slice(0, 100)}" is not a valid email address.`, [{ path: 'email', message: 'not a valid email address' }]);
  }
  return email;
}

export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}

export function assertPasswordAcceptable(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new InvalidInputError(
      `The password must be ${MIN_PASSWORD_LENGTH}-${MAX_PASSWORD_LENGTH} characters long.`,
      [{ path: 'password', message: `must be ${MIN_PASSWORD_LENGTH}-${MAX_PASSWORD_LENGTH} characters` }],
    );
  }
}
