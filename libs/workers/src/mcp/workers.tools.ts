import { z } from 'zod';
import { CurrentPrincipal, McpTool, McpTools, ToolInput } from '@app/access';
import { legacyIdField, pageInput, pageOutput, requiredReference, type Principal } from '@app/shared';
import { WorkersService } from '../application/workers.service.js';
import { WORKER_STATUSES } from '../domain/worker.js';
import { workerPermissions as can } from '../workers.permissions.js';
import { WorkerRiskyChanges } from '../application/risky-changes.js';

const workerRef = {
  worker: requiredReference('Worker name or id'),
  workerId: legacyIdField('worker'),
};
const runtime = z
  .record(z.string().max(100), z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]))
  .refine((r) => Object.keys(r).length <= 50, 'at most 50 settings')
  .describe('Flat key/values, no secrets');

const workerSchema = z.object({
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

const listInput = z.object({ status: z.enum(WORKER_STATUSES).optional().describe('Only workers in this status'), ...pageInput });
const getInput = z.object(workerRef);
const createInput = z.object({
  name: z.string().min(1).max(100).describe('Unique in the organization'),
  description: z.string().max(1024).default('').describe('What the worker does'),
  runtime: runtime.default({}),
});
const updateInput = z.object({
  ...workerRef,
  name: z.string().min(1).max(100).optional().describe('New name'),
  description: z.string().max(1024).optional().describe('New description'),
  runtime: runtime.optional().describe('Replaces all runtime settings'),
  status: z.enum(WORKER_STATUSES).optional().describe('Next status (see allowedNextStatuses)'),
});
const deleteInput = z.object(workerRef);

@McpTools({ toolset: 'runtime' })
export class WorkersTools {
  constructor(private readonly workers: WorkersService) {}

  @McpTool({
    name: 'list_workers',
    description: 'Lists workers with their status, optionally only one status.',
    permission: can.list_workers,
    input: listInput,
    output: pageOutput(workerSchema),
    title: 'List workers',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  list(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof listInput>) {
    return this.workers.list(principal, input);
  }

  @McpTool({
    name: 'get_worker',
    description: 'Returns one worker: status, allowed next statuses, runtime settings.',
    permission: can.get_worker,
    input: getInput,
    output: workerSchema,
    title: 'Get worker',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })
  get(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof getInput>) {
    return this.workers.get(principal, input);
  }

  @McpTool({
    name: 'create_worker',
    description: 'Creates a stopped worker; update_worker with status "starting" starts it.',
    permission: can.create_worker,
    input: createInput,
    output: workerSchema,
    title: 'Create worker',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  create(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof createInput>) {
    return this.workers.create(principal, input);
  }

  @McpTool({
    name: 'update_worker',
    description: 'Changes a worker; status "starting" starts it, "stopping" stops it.',
    permission: can.update_worker,
    input: updateInput,
    output: workerSchema,
    title: 'Update, start or stop worker',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  })
  update(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof updateInput>) {
    return this.workers.update(principal, input);
  }

  @McpTool({
    name: 'delete_worker',
    description: 'Deletes a stopped or failed worker. Cannot be undone.',
    permission: can.delete_worker,
    input: deleteInput,
    output: z.object({ deleted: z.literal(true), id: z.string(), name: z.string() }),
    title: 'Delete worker',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    risk: ({ principal, input, get }) => get(WorkerRiskyChanges).deleteWorker(principal, input),
  })
  delete(@CurrentPrincipal() principal: Principal, @ToolInput() input: z.infer<typeof deleteInput>) {
    return this.workers.delete(principal, input);
  }
}
