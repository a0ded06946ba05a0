import { z } from 'zod';
import { InvalidInputError } from '../errors/domain-error.js';

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

/**
 * Input fields every list tool accepts. Their descriptions are short on purpose: they repeat in every list
 * tool, and the server instructions explain pagination once (the schema carries the bounds and default).
 */
export const pageInput = {
  cursor: z
    .string()
    .max(200)
    .optional()
    .describe('From nextCursor'),
  limit: z
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(DEFAULT_PAGE_SIZE)
    .describe('Page size'),
};

export function pageOutput<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as cursor to get the next page; null when this is the last page.'),
  });
}

export interface PageRequest {
  /** Keyset position: the id of the last item of the previous page. */
  afterId?: string;
  limit: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

// Cursors are opaque to clients so the keyset underneath can change without breaking them.
export function decodeCursor(input: { cursor?: string; limit?: number }): PageRequest {
  const limit = input.limit ?? DEFAULT_PAGE_SIZE;
  if (!input.cursor) return { limit };
  try {
    const decoded = JSON.parse(Buffer.from(input.cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof decoded.after === 'string' && decoded.after.length > 0 && decoded.after.length <= 64) {
      return { afterId: decoded.after, limit };
    }
  } catch {
    // fall through to the structured error
  }
  throw new InvalidInputError('The cursor is not one this server issued.', [{ path: 'cursor', message: 'unrecognised cursor' }], 'Omit cursor to start from the first page.');
}

/** Builds a page from rows fetched with `take: limit + 1`, ordered by id. */
export function toPage<T extends { id: string }, R>(rows: T[], request: PageRequest, map: (row: T) => R): Page<R> {
  const hasMore = rows.length > request.limit;
  const items = hasMore ? rows.slice(0, request.limit) : rows;
  const last = items.at(-1);
  return {
    items: items.map(map),
    nextCursor: hasMore && last ? Buffer.from(JSON.stringify({ after: last.id })).toString('base64url') : null,
  };
}

/** One page of a short list held in memory, in its own order, with the same cursors as a keyset page. */
export function pageInMemory<T extends { id: string }, R>(all: T[], request: PageRequest, map: (item: T) => R): Page<R> {
  const start = request.afterId ? all.findIndex((item) => item.id === request.afterId) + 1 : 0;
  return toPage(all.slice(start, start + request.limit + 1), request, map);
}

/** Prisma `take`/`orderBy` for one keyset page; combine with `afterCursor` in the where clause. */
export function pageArgs(request: PageRequest) {
  return { take: request.limit + 1, orderBy: { id: 'asc' as const } };
}

/** Keyset filter: rows after the cursor position (ids are time-ordered UUIDv7). */
export function afterCursor(request: PageRequest): { id?: { gt: string } } {
  return request.afterId ? { id: { gt: request.afterId } } : {};
}
