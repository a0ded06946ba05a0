import type { Permission } from '@app/access';

// Each operation's permission, declared once: the tool's check and the use case's check both read it.
export const workerPermissions = {
  list_workers: 'workers:read',
  get_worker: 'workers:read',
  create_worker: 'workers:manage',
  update_worker: 'workers:manage',
  delete_worker: 'workers:manage',
} as const satisfies Record<string, Permission>;
