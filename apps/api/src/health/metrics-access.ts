import { createHash, timingSafeEqual } from 'node:crypto';

// Both sides are hashed first, so the comparison takes the same time whatever the length or prefix sent.
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Does this Authorization header carry `Bearer <token>`? */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer ([\x21-\x7e]+)$/i.exec(header ?? '');
  if (!match) return false;
  return timingSafeEqual(digest(match[1]!), digest(token));
}
