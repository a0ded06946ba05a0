/**
 * Search text matches itself only: `%`, `_` and `\` in what a person or agent typed are escaped for SQL
 * LIKE (PostgreSQL's default escape character is `\`). Prisma's `contains` passes its text to LIKE as it is,
 * so "50%" or "a_b" would otherwise act as wildcards and "%" would match every row.
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

/** A Prisma filter: the field contains `text` literally, in any case. */
export function containsText(text: string): { contains: string; mode: 'insensitive' } {
  return { contains: escapeLike(text), mode: 'insensitive' };
}
