export { WorkersModule } from './workers.module.js';
export type { WorkerStatus } from './domain/worker.js';
export { workerPermissions } from './workers.permissions.js';
