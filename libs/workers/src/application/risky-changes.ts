import { Injectable } from '@nestjs/common';
import type { RiskyChange } from '@app/access';
import type { Principal } from '@app/shared';
import { WorkersService } from './workers.service.js';

/** Deleting a worker removes its record and runtime settings for good. */
@Injectable()
export class WorkerRiskyChanges {
  constructor(private readonly workers: WorkersService) {}

  async deleteWorker(principal: Principal, input: { worker?: string; workerId?: string }): Promise<RiskyChange> {
    const worker = await this.workers.get(principal, input);
    return {
      summary: `Delete the worker "${worker.name}" (now ${worker.status}) from ${principal.organization.name}, with its runtime settings.`,
      resolved: { workerId: worker.id },
    };
  }
}
