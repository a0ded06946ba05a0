import { Module } from '@nestjs/common';
import { WorkersService } from './application/workers.service.js';
import { WorkerRiskyChanges } from './application/risky-changes.js';
import { WorkerRepository } from './infrastructure/worker.repository.js';
import { WorkersTools } from './mcp/workers.tools.js';

const useCases = [WorkersService, WorkerRiskyChanges];
const repositories = [WorkerRepository];
const tools = [WorkersTools];

@Module({ controllers: tools, providers: [...useCases, ...repositories] })
export class WorkersModule {}
