import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { decodeCursor, pageInput, pageOutput, toPage, type Principal } from '@app/shared';
import { WorkersService, type WorkerChanges } from '../application/workers.service.js';
import { allowedNextStatuses, WORKER_STATUSES, type WorkerStatus } from '../domain/worker.js';
import type { WorkerRecord } from '../infrastructure/worker.repository.js';
import { WorkerRiskyChanges } from '../application/risky-changes.js';

const workerId = z.string().min(1).max(100).describe('Worker id (from list_workers)');
const runtime = z
  .record(z.string().max(100), z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]))
  .refine((r) => Object.keys(r).length <= 50, 'at most 50 settings')
  .describe('Runtime settings as flat key/values, e.g. {"image": "openwork/worker:1", "cpu": 2}. Not for secrets: use a connector.');

const workerOutput = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  status: z.enum(WORKER_STATUSES),
  allowedNextStatuses: z.array(z.string()).describe('Statuses update_worker accepts next'),
  runtime: z.record(z.string(), z.unknown()),
  statusChangedAt: z.string(),
  createdByUserId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

function view(w: WorkerRecord) {
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

@McpTools({ toolset: 'runtime' })
export class WorkersTools {
  constructor(private readonly workers: WorkersService) {}

  @McpTool({
    name: 'list_workers',
    description: 'Lists the organization\'s workers with their status (stopped, starting, running, stopping, failed), optionally only one status.',
    permission: 'workers:read',
    input: z.object({ status: z.enum(WORKER_STATUSES).optional().describe('Only workers in this status'), ...pageInput }),
    output: pageOutput(workerOutput),
    title: 'List workers',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  async listWorkers(@CurrentPrincipal() principal: Principal, @ToolInput() input: { status?: WorkerStatus; cursor?: string; limit: number }) {
    const page = decodeCursor(input);
    return toPage(await this.workers.list(principal, page, input.status), page, view);
  }

  @McpTool({
    name: 'get_worker',
    description: 'Returns one worker: status, the statuses it may move to next, and its runtime settings.',
    permission: 'workers:read',
    input: z.object({ workerId }),
    output: workerOutput,
    title: 'Get a worker',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  async getWorker(@CurrentPrincipal() principal: Principal, @ToolInput() input: { workerId: string }) {
    return view(await this.workers.get(principal, input.workerId));
  }

  @McpTool({
    name: 'create_worker',
    description: 'Creates a worker in status "stopped"; start it with update_worker status "starting".',
    permission: 'workers:manage',
    input: z.object({
      name: z.string().min(1).max(100).describe('Unique in the organization'),
      description: z.string().max(1024).default('').describe('What the worker does'),
      runtime: runtime.default({}),
    }),
    output: workerOutput,
    title: 'Create a worker',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  async createWorker(@CurrentPrincipal() principal: Principal, @ToolInput() input: { name: string; description: string; runtime: Record<string, unknown> }) {
    return view(await this.workers.create(principal, input));
  }

  @McpTool({
    name: 'update_worker',
    description: 'Renames a worker, changes its description or runtime, and/or moves its status: start = "starting", stop = "stopping" (see allowedNextStatuses from get_worker).',
    permission: 'workers:manage',
    input: z.object({
      workerId,
      name: z.string().min(1).max(100).optional().describe('New name'),
      description: z.string().max(1024).optional().describe('New description'),
      runtime: runtime.optional().describe('Replaces all runtime settings'),
      status: z.enum(WORKER_STATUSES).optional().describe('Target status; must be an allowed next status (see allowedNextStatuses)'),
    }),
    output: workerOutput,
    title: 'Update, start or stop a worker',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  async updateWorker(@CurrentPrincipal() principal: Principal, @ToolInput() input: WorkerChanges & { workerId: string }) {
    const { workerId: id, ...changes } = input;
    return view(await this.workers.update(principal, id, changes));
  }

  @McpTool({
    name: 'delete_worker',
    description: 'Deletes a stopped or failed worker (a running one must be stopped first). Cannot be undone.',
    permission: 'workers:manage',
    input: z.object({ workerId }),
    output: z.object({ deleted: z.literal(true), id: z.string(), name: z.string() }),
    title: 'Delete a worker',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    risk: ({ principal, input, get }) => get(WorkerRiskyChanges).deleteWorker(principal, input),
  })
  async deleteWorker(@CurrentPrincipal() principal: Principal, @ToolInput() input: { workerId: string }) {
    const w = await this.workers.delete(principal, input.workerId);
    return { deleted: true as const, id: w.id, name: w.name };
  }
}
