import { Global, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Inject } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { DATABASE, openDatabase, type Database } from './database.js';
import { applyMigrations } from './migrator.js';
import { PrismaService } from './prisma.service.js';
import { TransactionRunner } from './transaction.runner.js';
import { ReferenceRepository } from '../references/reference.repository.js';
import { ReferenceResolver } from '../references/reference.resolver.js';

export interface DatabaseModuleOptions {
  /** An already open database shared by several app instances in one process (tests). */
  shared?: Database;
}

async function openAndMigrate(config: AppConfig): Promise<Database> {
  const logger = new Logger('Database');
  const database = await openDatabase(config);
  try {
    const started = performance.now();
    const applied = await applyMigrations(database.adapterFactory);
    const took = Math.round(performance.now() - started);
    logger.log(`${database.description}: ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'} (${took} ms)`);
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}

@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly database: Database) {}

  static forRoot(options: DatabaseModuleOptions = {}): DynamicModule {
    const database = options.shared
      ? { provide: DATABASE, useValue: { ...options.shared, close: async () => {} } }
      : { provide: DATABASE, inject: [AppConfig], useFactory: openAndMigrate };
    return { module: DatabaseModule, providers: [database, PrismaService, TransactionRunner, ReferenceRepository, ReferenceResolver], exports: [DATABASE, PrismaService, TransactionRunner, ReferenceResolver] };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}
