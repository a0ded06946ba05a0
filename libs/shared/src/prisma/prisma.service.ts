import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaClient } from './generated/client.js';
import { DATABASE, type Database } from './database.js';

// The single Prisma client of the process; only repositories use it.
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(@Inject(DATABASE) readonly database: Database) {
    super({ adapter: database.clientAdapterFactory });
  }

  async isReachable(): Promise<boolean> {
    try {
      await this.$queryRaw`SELECT 1`;
      return true;
    } catch {
      return false;
    }
  }

  /** Names of the migrations this database has finished applying (as `prisma migrate deploy` records them). */
  async appliedMigrations(): Promise<Set<string>> {
    const rows = await this.$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
    return new Set(rows.map((row) => row.migration_name));
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}

export type TransactionClient = Parameters<Parameters<PrismaService['$transaction']>[0]>[0];

/** What a repository method reads or writes through: the client, or the transaction it joins. */
export type Db = PrismaService | TransactionClient;
