export { WorkersModule } from './workers.module.js';
export type { WorkerStatus } from './domain/worker.js';
export { workerPermissions } from './workers.permissions.js';
// The use case itself, for medium tests that call it without HTTP.
export { WorkersService } from './application/workers.service.js';
