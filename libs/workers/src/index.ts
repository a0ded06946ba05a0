export { WorkersModule } from './workers.module.js';
export type { WorkerStatus } from './domain/worker.js';
