import { DomainError } from '@app/shared';

export const WORKER_STATUSES = ['stopped', 'starting', 'running', 'stopping', 'failed'] as const;
export type WorkerStatus = (typeof WORKER_STATUSES)[number];

// The lifecycle: stopped → starting → running → stopping → stopped; anything in motion may fail;
// a failed worker is restarted (or deleted).
const NEXT: Record<WorkerStatus, readonly WorkerStatus[]> = {
  stopped: ['starting'],
  starting: ['running', 'failed'],
  running: ['stopping', 'failed'],
  stopping: ['stopped', 'failed'],
  failed: ['starting'],
};

export function allowedNextStatuses(from: WorkerStatus): readonly WorkerStatus[] {
  return NEXT[from];
}

export function assertTransition(workerId: string, from: WorkerStatus, to: WorkerStatus): void {
  if (!NEXT[from].includes(to)) throw new InvalidStatusTransitionError(workerId, from, to);
}

export class InvalidStatusTransitionError extends DomainError {
  constructor(workerId: string, from: WorkerStatus, to: WorkerStatus) {
    const allowed = NEXT[from];
    super(
      'precondition_failed',
      'invalid_status_transition',
      `A worker cannot go from "${from}" to "${to}". From "${from}" it can go to: ${allowed.join(', ')}.`,
      { workerId, from, to, allowedNextStatuses: allowed },
      `Set status to ${allowed.map((s) => `"${s}"`).join(' or ')} first (the lifecycle is stopped → starting → running → stopping → stopped; failed → starting).`,
    );
  }
}

export class WorkerNotStoppedError extends DomainError {
  constructor(workerId: string, status: WorkerStatus) {
    super(
      'precondition_failed',
      'worker_not_stopped',
      `The worker is "${status}"; only a stopped or failed worker can be deleted.`,
      { workerId, status },
      status === 'running' ? 'Call update_worker with status "stopping", then "stopped", and delete it again.' : 'Wait until it is stopped (update_worker), then delete it.',
    );
  }
}

export class ConcurrentStatusChangeError extends DomainError {
  constructor(workerId: string, expected: WorkerStatus) {
    super(
      'conflict',
      'concurrent_status_change',
      `The worker's status changed while this call expected "${expected}".`,
      { workerId, expected },
      'Call get_worker for the current status and retry.',
    );
  }
}
