import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Clock, DATABASE, RetentionRegistry, type Database } from '@app/shared';

/** Rows per delete statement: small enough that no batch holds its locks for long. */
export const RETENTION_BATCH_SIZE = 500;
// The embedded database runs on the server's own thread: smaller batches keep each pause short.
export const EMBEDDED_BATCH_SIZE = 100;
const FIRST_PASS_DELAY_MS = 60_000;
const PASS_INTERVAL_MS = 60 * 60 * 1000;
// Any constant works; it only has to be the same in every instance (the keys use another).
export const RETENTION_LOCK_ID = 0x6f77726574;

export interface RetentionTableReport {
  table: string;
  deletes: string;
  deleted: number;
  batches: number;
  longestBatchMs: number;
  /** Each batch's duration, in order. */
  batchMs: number[];
}

export interface RetentionReport {
  /** False when another instance was running a pass, so this one did nothing. */
  ran: boolean;
  rules: RetentionTableReport[];
  deleted: number;
  longestBatchMs: number;
  tookMs: number;
}

/**
 * Deletes what every context declared past retention: one pass an hour, one instance at a time across
 * the deployment (an advisory lock on PostgreSQL; the embedded database has one process anyway).
 */
@Injectable()
export class RetentionLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Retention');
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly registry: RetentionRegistry,
    private readonly clock: Clock,
    @Inject(DATABASE) private readonly database: Database,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(FIRST_PASS_DELAY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One full pass over every declared rule, batch after batch until nothing is left to delete. */
  async runOnce(batchSize = this.database.kind === 'embedded' ? EMBEDDED_BATCH_SIZE : RETENTION_BATCH_SIZE): Promise<RetentionReport> {
    const started = performance.now();
    const pass = this.database.runExclusive(RETENTION_LOCK_ID, () => this.deleteAll(batchSize));
    this.running = pass;
    const outcome = await pass;
    const rules = outcome.ran ? outcome.value : [];
    return {
      ran: outcome.ran,
      rules,
      deleted: rules.reduce((sum, r) => sum + r.deleted, 0),
      longestBatchMs: Math.max(0, ...rules.map((r) => r.longestBatchMs)),
      tookMs: performance.now() - started,
    };
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    // Unref'd: a pending pass never keeps a stopping process alive.
    this.timer = setTimeout(() => void this.pass(), delayMs).unref();
  }

  private async pass(): Promise<void> {
    try {
      const report = await this.runOnce();
      if (report.ran && report.deleted) {
        const tables = report.rules.filter((r) => r.deleted).map((r) => `${r.table} ${r.deleted}`);
        this.logger.log(`Deleted ${report.deleted} rows past retention (${tables.join(', ')}); longest batch ${report.longestBatchMs.toFixed(1)} ms`);
      }
    } catch (error) {
      this.logger.warn(`Retention pass failed, next one in an hour: ${(error as Error).message}`);
    } finally {
      this.schedule(PASS_INTERVAL_MS);
    }
  }

  private async deleteAll(batchSize: number): Promise<RetentionTableReport[]> {
    const reports: RetentionTableReport[] = [];
    for (const rule of this.registry.rules()) {
      const report: RetentionTableReport = { table: rule.table, deletes: rule.deletes, deleted: 0, batches: 0, longestBatchMs: 0, batchMs: [] };
      reports.push(report);
      while (!this.stopping) {
        const batchStarted = performance.now();
        const deleted = await rule.deleteBatch(this.clock.now(), batchSize);
        const tookMs = performance.now() - batchStarted;
        report.batchMs.push(tookMs);
        report.longestBatchMs = Math.max(report.longestBatchMs, tookMs);
        report.batches++;
        report.deleted += deleted;
        if (deleted < batchSize) break;
        // Between batches, requests get the database (and, embedded, the event loop) back.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return reports;
  }
}
