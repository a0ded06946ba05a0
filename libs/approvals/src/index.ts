export { ApprovalsModule } from './approvals.module.js';
export { ApprovalsService, type ApprovalDecision, type ApprovalPageView } from './application/approvals.service.js';
export { APPROVAL_TTL_MS } from './application/confirmation.gate.js';
export { REQUEST_STATE_TTL_MS } from './application/request-state.seal.js';
