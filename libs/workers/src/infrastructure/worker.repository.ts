import { Injectable } from '@nestjs/common';
import { afterCursor, pageArgs, PrismaService, type Db, type PageRequest, type TransactionClient } from '@app/shared';
import type { WorkerStatus } from '../domain/worker.js';

export interface WorkerRecord {
  id: string;
  orgId: string;
  name: string;
  description: string;
  status: WorkerStatus;
  runtime: unknown;
  createdByUserId: string;
  statusChangedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

@Injectable()
export class WorkerRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(orgId: string, id: string, db: Db = this.prisma): Promise<WorkerRecord | null> {
    return db.worker.findFirst({ where: { orgId, id } });
  }

  findByName(orgId: string, name: string, db: Db = this.prisma): Promise<WorkerRecord | null> {
    return db.worker.findUnique({ where: { orgId_name: { orgId, name } } });
  }

  list(orgId: string, page: PageRequest, status?: WorkerStatus): Promise<WorkerRecord[]> {
    return this.prisma.worker.findMany({ where: { orgId, ...(status ? { status } : {}), ...afterCursor(page) }, ...pageArgs(page) });
  }

  create(tx: TransactionClient, data: { orgId: string; name: string; description: string; runtime: object; userId: string }): Promise<WorkerRecord> {
    return tx.worker.create({ data: { orgId: data.orgId, name: data.name, description: data.description, runtime: data.runtime, createdByUserId: data.userId } });
  }

  /** Applies the change only if the status is still `expectedStatus` (compare-and-set); null when it moved. */
  async update(
    tx: TransactionClient,
    orgId: string,
    id: string,
    expectedStatus: WorkerStatus,
    changes: { name?: string; description?: string; runtime?: object; status?: WorkerStatus; statusChangedAt?: Date },
  ): Promise<WorkerRecord | null> {
    const { count } = await tx.worker.updateMany({ where: { orgId, id, status: expectedStatus }, data: changes });
    return count === 0 ? null : this.find(orgId, id, tx);
  }

  async delete(tx: TransactionClient, orgId: string, id: string, statuses: WorkerStatus[]): Promise<boolean> {
    const { count } = await tx.worker.deleteMany({ where: { orgId, id, status: { in: statuses } } });
    return count > 0;
  }
}
