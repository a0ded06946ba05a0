import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Prisma } from '../prisma/generated/client.js';
import { PrismaService } from '../prisma/prisma.service.js';

export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How one table stays bounded: a rule deletes, one small batch at a time, rows nobody can use any more.
 * A table may have several rules (one per reason a row ends).
 */
export interface RetentionRule {
  /** The Prisma model the rule deletes from. */
  readonly table: string;
  /** What goes, in words, for the log and the docs (e.g. "refresh tokens 7 days after they expired"). */
  readonly deletes: string;
  /** Deletes at most `limit` rows that are past retention at `now`; returns how many it deleted. */
  deleteBatch(now: Date, limit: number): Promise<number>;
}

/**
 * Every context declares the retention of its own tables here (next to the tables, in its
 * infrastructure); the maintenance loop runs whatever was declared. Declare dependent rows (refresh
 * tokens) before the rows they hang on (grants), so a cascade never deletes a large family at once.
 */
@Injectable()
export class RetentionRegistry {
  private readonly declared: RetentionRule[] = [];

  declare(...rules: RetentionRule[]): void {
    for (const rule of rules) {
      if (this.declared.some((r) => r.table === rule.table && r.deletes === rule.deletes)) continue;
      this.declared.push(rule);
    }
  }

  rules(): readonly RetentionRule[] {
    return this.declared;
  }
}

/**
 * One batch: the ids are chosen first (rows another transaction holds are skipped, not waited for), then
 * deleted by primary key, so a batch holds its row locks only for the rows it deletes and never blocks.
 */
export function deleteBatchWhere(prisma: PrismaService, table: string, condition: Prisma.Sql, limit: number): Promise<number> {
  const name = Prisma.raw(`"${table.replace(/"/g, '')}"`);
  return prisma.$executeRaw`
    DELETE FROM ${name} WHERE id IN (SELECT id FROM ${name} WHERE ${condition} LIMIT ${limit} FOR UPDATE SKIP LOCKED)`;
}

/** The moment `ms` before `now`: a row that ended before it is past retention. */
export const before = (now: Date, ms: number): Date => new Date(now.getTime() - ms);

/**
 * A context's retention, declared next to its tables: subclasses list their rules, and they are
 * registered when the module starts. `rule` builds one from a SQL condition on the table's own columns.
 */
@Injectable()
export abstract class RetentionDeclarations implements OnModuleInit {
  constructor(
    protected readonly prisma: PrismaService,
    private readonly registry: RetentionRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.declare(...this.rules());
  }

  abstract rules(): RetentionRule[];

  protected rule(table: string, deletes: string, condition: (now: Date) => Prisma.Sql): RetentionRule {
    return { table, deletes, deleteBatch: (now, limit) => deleteBatchWhere(this.prisma, table, condition(now), limit) };
  }
}
