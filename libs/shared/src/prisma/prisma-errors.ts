import { Prisma } from './generated/client.js';

/** A unique index refused the write: the row (name, email, slug…) already exists. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
