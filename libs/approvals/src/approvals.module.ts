import { Global, Module } from '@nestjs/common';
import { CONFIRMATION_STEP } from '@app/access';
import { ApprovalsService } from './application/approvals.service.js';
import { ConfirmationGate } from './application/confirmation.gate.js';
import { RequestStateSeal } from './application/request-state.seal.js';
import { ApprovalRetentionRepository } from './infrastructure/approval-retention.repository.js';
import { ApprovalRepository } from './infrastructure/approval.repository.js';

const useCases = [ConfirmationGate, ApprovalsService, RequestStateSeal];
const repositories = [ApprovalRepository, ApprovalRetentionRepository];

// Global so the tool interceptor (in the access context) reaches the confirmation step from every area.
@Global()
@Module({
  providers: [...useCases, ...repositories, { provide: CONFIRMATION_STEP, useExisting: ConfirmationGate }],
  exports: [CONFIRMATION_STEP, ApprovalsService],
})
export class ApprovalsModule {}
