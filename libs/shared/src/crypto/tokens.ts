import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random opaque secret (refresh tokens, codes, session and invitation tokens). */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Secrets are stored as their SHA-256; they carry enough entropy that no salt or slow hash is needed. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Last four characters of a credential, shown so people can tell keys apart. */
export function lastFour(secret: string): string {
  return secret.length <= 4 ? '' : secret.slice(-4);
}

/** What an update does to a write-only secret, for its audit entry: undefined keeps it, null removes it. */
export function secretChange(value: string | null | undefined): 'unchanged' | 'removed' | 'replaced' {
  return value === undefined ? 'unchanged' : value === null ? 'removed' : 'replaced';
}
