import { Injectable } from '@nestjs/common';
import { afterCursor, pageArgs, PrismaService, type PageRequest, type TransactionClient, isUniqueViolation } from '@app/shared';
import type { WorkerStatus } from '../domain/worker.js';

type Db = PrismaService | TransactionClient;

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

  transaction<T>(fn: (tx: TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  find(orgId: string, id: string, db: Db = this.prisma): Promise<WorkerRecord | null> {
    return db.worker.findFirst({ where: { orgId, id } });
  }

  findByName(orgId: string, name: string): Promise<WorkerRecord | null> {
    return this.prisma.worker.findUnique({ where: { orgId_name: { orgId, name } } });
  }

  list(orgId: string, page: PageRequest, status?: WorkerStatus): Promise<WorkerRecord[]> {
    return this.prisma.worker.findMany({ where: { orgId, ...(status ? { status } : {}), ...afterCursor(page) }, ...pageArgs(page) });
  }

  create(data: { orgId: string; name: string; description: string; runtime: object; userId: string }, db: Db): Promise<WorkerRecord> {
    return db.worker.create({ data: { orgId: data.orgId, name: data.name, description: data.description, runtime: data.runtime, createdByUserId: data.userId } });
  }

  /** Applies the change only if the status is still `expectedStatus` (compare-and-set); null when it moved. */
  async update(
    orgId: string,
    id: string,
    expectedStatus: WorkerStatus,
    changes: { name?: string; description?: string; runtime?: object; status?: WorkerStatus; statusChangedAt?: Date },
    db: Db,
  ): Promise<WorkerRecord | null> {
    const { count } = await db.worker.updateMany({ where: { orgId, id, status: expectedStatus }, data: changes });
    return count === 0 ? null : this.find(orgId, id, db);
  }

  async delete(orgId: string, id: string, statuses: WorkerStatus[], db: Db): Promise<boolean> {
    const { count } = await db.worker.deleteMany({ where: { orgId, id, status: { in: statuses } } });
    return count > 0;
  }
}
