import { Injectable } from '@nestjs/common';
import { assertPermission } from '@app/access';
import { AlreadyExistsError, AuditLog, Clock, NotFoundError, type PageRequest, type Principal, isUniqueViolation } from '@app/shared';
import {
  assertTransition,
  ConcurrentStatusChangeError,
  normalizeWorkerName,
  WorkerNotStoppedError,
  type WorkerStatus,
} from '../domain/worker.js';
import { WorkerRepository, type WorkerRecord } from '../infrastructure/worker.repository.js';

export interface WorkerChanges {
  name?: string;
  description?: string;
  runtime?: Record<string, unknown>;
  status?: WorkerStatus;
}

@Injectable()
export class WorkersService {
  constructor(
    private readonly workers: WorkerRepository,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  list(principal: Principal, page: PageRequest, status?: WorkerStatus) {
    assertPermission(principal, 'workers:read');
    return this.workers.list(principal.orgId, page, status);
  }

  async get(principal: Principal, id: string): Promise<WorkerRecord> {
    assertPermission(principal, 'workers:read');
    return this.require(principal.orgId, id);
  }

  async create(principal: Principal, input: { name: string; description: string; runtime: Record<string, unknown> }): Promise<WorkerRecord> {
    assertPermission(principal, 'workers:manage');
    const name = normalizeWorkerName(input.name);
    await this.assertNameFree(principal.orgId, name);
    try {
      return await this.workers.transaction(async (tx) => {
        const worker = await this.workers.create({ orgId: principal.orgId, name, description: input.description.trim(), runtime: input.runtime, userId: principal.userId }, tx);
        await this.audit.record(principal, { action: 'worker.created', targetType: 'worker', targetId: worker.id, details: { name } }, tx);
        return worker;
      });
    } catch (error) {
      throw await this.nameClash(error, principal.orgId, name);
    }
  }

  async update(principal: Principal, id: string, changes: WorkerChanges): Promise<WorkerRecord> {
    assertPermission(principal, 'workers:manage');
    const current = await this.require(principal.orgId, id);
    const name = changes.name === undefined ? undefined : normalizeWorkerName(changes.name);
    if (name !== undefined && name !== current.name) await this.assertNameFree(principal.orgId, name);
    const statusChanges = changes.status !== undefined && changes.status !== current.status;
    if (statusChanges) assertTransition(current.id, current.status, changes.status!);
    try {
      return await this.workers.transaction(async (tx) => {
        const updated = await this.workers.update(
          principal.orgId,
          current.id,
          current.status,
          {
            name,
            description: changes.description?.trim(),
            runtime: changes.runtime,
            ...(statusChanges ? { status: changes.status, statusChangedAt: this.clock.now() } : {}),
          },
          tx,
        );
        if (!updated) throw new ConcurrentStatusChangeError(current.id, current.status);
        await this.audit.record(principal, {
          action: statusChanges ? 'worker.status_changed' : 'worker.updated',
          targetType: 'worker',
          targetId: current.id,
          details: {
            fields: Object.keys(changes).filter((k) => changes[k as keyof WorkerChanges] !== undefined),
            ...(statusChanges ? { from: current.status, to: changes.status } : {}),
          },
        }, tx);
        return updated;
      });
    } catch (error) {
      throw name ? await this.nameClash(error, principal.orgId, name) : error;
    }
  }

  async delete(principal: Principal, id: string): Promise<WorkerRecord> {
    assertPermission(principal, 'workers:manage');
    const worker = await this.require(principal.orgId, id);
    if (worker.status !== 'stopped' && worker.status !== 'failed') throw new WorkerNotStoppedError(worker.id, worker.status);
    await this.workers.transaction(async (tx) => {
      if (!(await this.workers.delete(principal.orgId, worker.id, ['stopped', 'failed'], tx))) throw new ConcurrentStatusChangeError(worker.id, worker.status);
      await this.audit.record(principal, { action: 'worker.deleted', targetType: 'worker', targetId: worker.id, details: { name: worker.name } }, tx);
    });
    return worker;
  }

  private async require(orgId: string, id: string): Promise<WorkerRecord> {
    const worker = await this.workers.find(orgId, id);
    if (!worker) throw new NotFoundError('worker', id, 'Call list_workers to find a valid id.');
    return worker;
  }

  private async assertNameFree(orgId: string, name: string): Promise<void> {
    const existing = await this.workers.findByName(orgId, name);
    if (existing) throw new AlreadyExistsError('worker', name, existing.id);
  }

  private async nameClash(error: unknown, orgId: string, name: string): Promise<unknown> {
    if (!isUniqueViolation(error)) return error;
    const existing = await this.workers.findByName(orgId, name);
    return existing ? new AlreadyExistsError('worker', name, existing.id) : error;
  }
}
