import { AlreadyExistsError } from '../errors/domain-error.js';
import { Prisma } from './generated/client.js';

// What says the connection failed rather than the statement. SQLSTATE: class 08 (connection exception),
// 57P01–57P05 (the server shutting down or ending the session, starting up, idle timeouts), 53300 (too many
// connections). Prisma: the driver adapter's kinds and its connection error codes (P1001 unreachable,
// P1002/P1008 timed out, P1017 closed by the server, P2024 no pooled connection in time). Node: the socket's
// errno. pg: the messages of a connection it gave up (they carry no code).
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[1-5]|53300)$/;
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGE = /^(Connection terminated|Client has encountered a connection error and is not queryable|timeout exceeded when trying to connect)/;

/** What every edge (the gateway, the OAuth endpoints, the pages) tells a client to wait when the database is away. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/**
 * The database could not be reached or dropped the connection mid-call (a restart, an operator, a network
 * fault): worth retrying shortly, unlike a statement the database refused. Looks through Prisma's and the
 * driver adapter's wrapping to the driver's own error.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending = [error];
  while (pending.length) {
    const node = pending.pop();
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    const { code, originalCode, kind, message, cause, meta } = node as Record<string, unknown>;
    for (const c of [code, originalCode]) {
      if (typeof c !== 'string') continue;
      if (UNAVAILABLE_SQLSTATE.test(c) || UNAVAILABLE_PRISMA_CODES.has(c) || UNAVAILABLE_ERRNO.has(c)) return true;
    }
    if (typeof kind === 'string' && UNAVAILABLE_KINDS.has(kind)) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    pending.push(cause, (meta as { driverAdapterError?: unknown } | undefined)?.driverAdapterError);
  }
  return false;
}

/** A unique index refused the write: the row (name, email, slug…) already exists. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

export interface NameClash {
  resource: string;
  name: string;
  /** Looks the clashing row up after the failed transaction has rolled back. */
  find: () => Promise<{ id: string } | null>;
}

/**
 * The unique index is the check: run the write, and turn its unique violation into already_exists
 * with the existing row's id. A violation of some other index (no row under that name) is rethrown.
 */
export async function alreadyExistsOnClash<T>(write: () => Promise<T>, clash: NameClash | null): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!clash || !isUniqueViolation(error)) throw error;
    const existing = await clash.find();
    if (!existing) throw error;
    throw new AlreadyExistsError(clash.resource, clash.name, existing.id);
  }
}
