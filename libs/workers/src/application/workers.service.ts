import { Injectable } from '@nestjs/common';
import { assertPermission } from '@app/access';
import { alreadyExistsOnClash, AuditLog, Clock, decodeCursor, displayName, NotFoundError, pickReference, tableReference, ReferenceResolver, toPage, TransactionRunner, type Page, type Principal } from '@app/shared';
import { allowedNextStatuses, assertTransition, ConcurrentStatusChangeError, WorkerNotStoppedError, type WorkerStatus } from '../domain/worker.js';
import { WorkerRepository, type WorkerRecord } from '../infrastructure/worker.repository.js';
import { workerPermissions as can } from '../workers.permissions.js';

export interface WorkerView {
  id: string;
  name: string;
  description: string;
  status: WorkerStatus;
  allowedNextStatuses: WorkerStatus[];
  runtime: Record<string, unknown>;
  statusChangedAt: string;
  createdByUserId: string;
  createdAt: string;
  updatedAt: string;
}

function workerView(w: WorkerRecord): WorkerView {
  return {
    id: w.id,
    name: w.name,
    description: w.description,
    status: w.status,
    allowedNextStatuses: [...allowedNextStatuses(w.status)],
    runtime: (w.runtime ?? {}) as Record<string, unknown>,
    statusChangedAt: w.statusChangedAt.toISOString(),
    createdByUserId: w.createdByUserId,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
  };
}

type WorkerInput = { worker?: string; workerId?: string };

const WORKER_REFERENCE = tableReference('Worker', 'worker', 'list_workers');

@Injectable()
export class WorkersService {
  constructor(
    private readonly workers: WorkerRepository,
    private readonly references: ReferenceResolver,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async list(principal: Principal, input: { status?: WorkerStatus; cursor?: string; limit?: number }): Promise<Page<WorkerView>> {
    assertPermission(principal, can.list_workers);
    const page = decodeCursor(input);
    return toPage(await this.workers.list(principal.orgId, page, input.status), page, workerView);
  }

  async get(principal: Principal, input: WorkerInput): Promise<WorkerView> {
    assertPermission(principal, can.get_worker);
    return workerView(await this.require(principal.orgId, input));
  }

  async create(principal: Principal, input: { name: string; description: string; runtime: Record<string, unknown> }): Promise<WorkerView> {
    assertPermission(principal, can.create_worker);
    const name = displayName(input.name);
    const worker = await alreadyExistsOnClash(
      () =>
        this.transactions.run(async (tx) => {
          const created = await this.workers.create(tx, { orgId: principal.orgId, name, description: input.description.trim(), runtime: input.runtime, userId: principal.userId });
          await this.audit.record(principal, { action: 'worker.created', targetType: 'worker', targetId: created.id, details: { name } }, tx);
          return created;
        }),
      this.clash(principal.orgId, name),
    );
    return workerView(worker);
  }

  async update(
    principal: Principal,
    input: WorkerInput & { name?: string; description?: string; runtime?: Record<string, unknown>; status?: WorkerStatus },
  ): Promise<WorkerView> {
    assertPermission(principal, can.update_worker);
    const { worker: _noun, workerId: _id, ...changes } = input;
    const current = await this.require(principal.orgId, input);
    const name = changes.name === undefined ? undefined : displayName(changes.name);
    const statusChanges = changes.status !== undefined && changes.status !== current.status;
    if (statusChanges) assertTransition(current.id, current.status, changes.status!);
    const updated = await alreadyExistsOnClash(
      () =>
        this.transactions.run(async (tx) => {
          const row = await this.workers.update(tx, principal.orgId, current.id, current.status, {
            name,
            description: changes.description?.trim(),
            runtime: changes.runtime,
            ...(statusChanges ? { status: changes.status, statusChangedAt: this.clock.now() } : {}),
          });
          if (!row) throw new ConcurrentStatusChangeError(current.id, current.status);
          await this.audit.record(principal, {
            action: statusChanges ? 'worker.status_changed' : 'worker.updated',
            targetType: 'worker',
            targetId: current.id,
            details: {
              fields: Object.keys(changes).filter((k) => changes[k as keyof typeof changes] !== undefined),
              ...(statusChanges ? { from: current.status, to: changes.status } : {}),
            },
          }, tx);
          return row;
        }),
      name === undefined ? null : this.clash(principal.orgId, name),
    );
    return workerView(updated);
  }

  async delete(principal: Principal, input: WorkerInput): Promise<{ deleted: true; id: string; name: string }> {
    assertPermission(principal, can.delete_worker);
    const worker = await this.require(principal.orgId, input);
    if (worker.status !== 'stopped' && worker.status !== 'failed') throw new WorkerNotStoppedError(worker.id, worker.status);
    await this.transactions.run(async (tx) => {
      if (!(await this.workers.delete(tx, principal.orgId, worker.id, ['stopped', 'failed']))) throw new ConcurrentStatusChangeError(worker.id, worker.status);
      await this.audit.record(principal, { action: 'worker.deleted', targetType: 'worker', targetId: worker.id, details: { name: worker.name } }, tx);
    });
    return { deleted: true, id: worker.id, name: worker.name };
  }

  private async require(orgId: string, input: WorkerInput): Promise<WorkerRecord> {
    const { id } = await this.references.resolve(orgId, WORKER_REFERENCE, pickReference(input, 'worker', 'workerId'));
    const worker = await this.workers.find(orgId, id);
    if (!worker) throw new NotFoundError('worker', id);
    return worker;
  }

  private clash(orgId: string, name: string) {
    return { resource: 'worker', name, find: () => this.workers.findByName(orgId, name) };
  }
}
