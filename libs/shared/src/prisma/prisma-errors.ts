import { AlreadyExistsError } from '../errors/domain-error.js';
import { Prisma } from './generated/client.js';

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
