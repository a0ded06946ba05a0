import { Module } from '@nestjs/common';
import { RetentionLoop } from './retention-loop.service.js';

// Background upkeep of the server (not of the CLI): the retention loop.
@Module({ providers: [RetentionLoop], exports: [RetentionLoop] })
export class MaintenanceModule {}
