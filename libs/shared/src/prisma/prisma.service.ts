import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaClient } from './generated/client.js';
import { DATABASE, type Database } from './database.js';

// The single Prisma client of the process; only repositories use it.
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(@Inject(DATABASE) readonly database: Database) {
    super({ adapter: database.adapterFactory });
  }

  async isReachable(): Promise<boolean> {
    try {
      await this.$queryRaw`SELECT 1`;
      return true;
    } catch {
      return false;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}

export type TransactionClient = Parameters<Parameters<PrismaService['$transaction']>[0]>[0];

/** What a repository method reads or writes through: the client, or the transaction it joins. */
export type Db = PrismaService | TransactionClient;
