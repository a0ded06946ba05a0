import { Injectable } from '@nestjs/common';
import type { Db } from '../prisma/prisma.service.js';
import { ReferenceRepository, type ReferenceScope } from './reference.repository.js';
import { AmbiguousReferenceError, closestNames, ReferenceNotFoundError, type Referent, type ReferenceKind } from './references.js';

export type Lookup = { found: Referent } | { ambiguous: Referent[] } | { missing: true };

/**
 * The one way every area turns what a caller wrote (an id or a name) into a row of the caller's
 * organization: an exact id wins, then names compared ignoring case; several matches are ambiguous
 * (never a guess), none is not_found with the closest names and the tool that lists them.
 */
@Injectable()
export class ReferenceResolver {
  constructor(private readonly references: ReferenceRepository) {}

  async lookup(orgId: string, kind: ReferenceKind, reference: string, scope: ReferenceScope = {}, db?: Db): Promise<Lookup> {
    const ref = reference.trim();
    if (!ref) return { missing: true };
    const rows = await this.references.matches(kind.source, orgId, ref, scope, db);
    const exact = rows.filter((r) => r.exact);
    const hits = exact.length === 1 ? exact : rows;
    if (hits.length === 1) return { found: referent(hits[0]!) };
    if (hits.length > 1) return { ambiguous: hits.map(referent) };
    return { missing: true };
  }

  /** The referent, or ambiguous_reference / not_found. */
  async resolve(orgId: string, kind: ReferenceKind, reference: string, scope: ReferenceScope = {}, db?: Db): Promise<Referent> {
    const result = await this.lookup(orgId, kind, reference, scope, db);
    if ('found' in result) return result.found;
    throw await this.failure(orgId, kind, reference, result, scope, db);
  }

  /** Resolves each of several references (e.g. teams), keeping the order and dropping repeats. */
  async resolveAll(orgId: string, kind: ReferenceKind, references: readonly string[], scope: ReferenceScope = {}, db?: Db): Promise<Referent[]> {
    const resolved: Referent[] = [];
    for (const reference of references) {
      const referent = await this.resolve(orgId, kind, reference, scope, db);
      if (!resolved.some((r) => r.id === referent.id)) resolved.push(referent);
    }
    return resolved;
  }

  /** The error for a lookup that found nothing or too much. */
  async failure(orgId: string, kind: ReferenceKind, reference: string, result: Lookup, scope: ReferenceScope = {}, db?: Db): Promise<Error> {
    if ('ambiguous' in result) return new AmbiguousReferenceError(kind, reference.trim(), result.ambiguous);
    const names = await this.references.names(kind.source, orgId, scope, db);
    return new ReferenceNotFoundError(kind, reference.trim(), closestNames(reference, names));
  }
}

function referent(row: Referent): Referent {
  return {
    id: row.id,
    name: row.name,
    ...(row.type !== undefined && row.type !== null ? { type: row.type } : {}),
    ...(row.email !== undefined && row.email !== null ? { email: row.email } : {}),
  };
}
