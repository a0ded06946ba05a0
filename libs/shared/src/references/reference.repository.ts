import { Injectable } from '@nestjs/common';
import { Prisma } from '../prisma/generated/client.js';
import { PrismaService, type Db } from '../prisma/prisma.service.js';
import type { Referent, ReferenceSource } from './references.js';

export interface ReferenceScope {
  /** Config objects: only these types. */
  types?: readonly string[];
  /** Invitations: pending ones that have not expired by then. */
  now?: Date;
}

interface SourceQuery {
  from: Prisma.Sql;
  /** Columns compared exactly: what counts as an id. */
  ids: Prisma.Sql[];
  /** Columns compared ignoring case: what counts as a name. */
  names: Prisma.Sql[];
  /** Columns stored in lower case (emails), compared to the lowered reference so their index serves. */
  lowerNames?: Prisma.Sql[];
  /** Columns selected besides id: name, and type or email where the kind has one. */
  select: Prisma.Sql;
  filter: (scope: ReferenceScope) => Prisma.Sql;
}

const none = () => Prisma.empty;

function simple(table: string): SourceQuery {
  return { from: Prisma.raw(`"${table}" x`), ids: [Prisma.raw('x.id')], names: [Prisma.raw('x.name')], select: Prisma.raw('x.name AS name'), filter: none };
}

// Table and column names are constants here; only the org id and the reference are parameters.
const SOURCES: Record<Exclude<ReferenceSource, { table: string }>, SourceQuery> = {
  member: {
    from: Prisma.raw('"Membership" x JOIN "User" u ON u.id = x."userId"'),
    ids: [Prisma.raw('x.id'), Prisma.raw('x."userId"')],
    names: [Prisma.raw('u.name')],
    lowerNames: [Prisma.raw('u.email')],
    select: Prisma.raw('u.name AS name, u.email AS email'),
    filter: none,
  },
  invitation: {
    from: Prisma.raw('"Invitation" x'),
    ids: [Prisma.raw('x.id')],
    names: [],
    lowerNames: [Prisma.raw('x.email')],
    select: Prisma.raw('x.email AS name, x.email AS email'),
    filter: (scope) => Prisma.sql` AND x.status = 'pending' AND x."expiresAt" > ${scope.now ?? new Date()}`,
  },
  team: simple('Team'),
  role: { ...simple('Role'), ids: [Prisma.raw('x.id'), Prisma.raw('x.key')] },
  config_object: {
    ...simple('ConfigObject'),
    select: Prisma.raw('x.name AS name, x.type::text AS type'),
    filter: (scope) => (scope.types?.length ? Prisma.sql` AND x.type::text IN (${Prisma.join([...scope.types])})` : Prisma.empty),
  },
  plugin: simple('Plugin'),
  marketplace: simple('Marketplace'),
};

function queryFor(source: ReferenceSource): SourceQuery {
  return typeof source === 'string' ? SOURCES[source] : simple(source.table);
}

type Row = Referent & { exact: boolean };

/** The queries behind every reference lookup: always inside one organization. */
@Injectable()
export class ReferenceRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Everything the reference names by id or by name (ignoring case), in one query; exact id matches flagged. */
  async matches(source: ReferenceSource, orgId: string, reference: string, scope: ReferenceScope, db: Db = this.prisma): Promise<Row[]> {
    const q = queryFor(source);
    const byId = Prisma.join(q.ids.map((column) => Prisma.sql`${column} = ${reference}`), ' OR ');
    const byName = Prisma.join(
      [
        ...q.names.map((column) => Prisma.sql`lower(${column}) = lower(${reference})`),
        ...(q.lowerNames ?? []).map((column) => Prisma.sql`${column} = ${reference.toLowerCase()}`),
      ],
      ' OR ',
    );
    return db.$queryRaw<Row[]>`
      SELECT x.id AS id, ${q.select}, (${byId}) AS exact
      FROM ${q.from}
      WHERE x."orgId" = ${orgId}${q.filter(scope)} AND ((${byId}) OR (${byName}))
      ORDER BY x.id LIMIT 20`;
  }

  /** Names (and emails for people) to suggest from when nothing matched; the newest first. */
  async names(source: ReferenceSource, orgId: string, scope: ReferenceScope, db: Db = this.prisma): Promise<string[]> {
    const q = queryFor(source);
    const rows = await db.$queryRaw<{ name: string; email?: string }[]>`
      SELECT ${q.select} FROM ${q.from} WHERE x."orgId" = ${orgId}${q.filter(scope)} ORDER BY x.id DESC LIMIT 1000`;
    return rows.flatMap((r) => (r.email && r.email !== r.name ? [r.name, r.email] : [r.name]));
  }
}
