export {
  ALL_PERMISSIONS,
  BUILT_IN_ROLES,
  isBuiltInRole,
  isPermission,
  PERMISSIONS,
  type BuiltInRole,
  type Permission,
} from './domain/permissions.js';
export { AccessDeniedError, assertPermission, PermissionRequiredError, type DenialReason } from './domain/access-denied.js';
export { PrincipalResolver } from './application/principal.resolver.js';
export { AccessRecheckQuery } from './infrastructure/access-recheck.query.js';
export { AccessTokenVerifier, type AccessTokenClaims } from './application/access-token.verifier.js';
export {
  CurrentPrincipal,
  McpTool,
  McpTools,
  APPROVAL_ID_FIELD,
  SCOPE_READ,
  SCOPE_WRITE,
  TOOL_DEFINITION,
  ToolInput,
  toolDefinition,
  toolDefinitions,
  type McpToolOptions,
  type McpToolsOptions,
  type ToolDefinition,
} from './mcp/mcp-tool.decorator.js';
export { ToolExecutionInterceptor, toolErrorResult } from './mcp/tool-execution.interceptor.js';
export {
  CONFIRMATION_STEP,
  DECLARED_CLIENT,
  type ConfirmationOutcome,
  type ConfirmationStep,
  type ConfirmingClient,
  type DeclaredClient,
  type ElicitationOutcome,
  type FormElicitation,
  type RiskAssessment,
  type RiskAssessmentCall,
  type RiskyCall,
  type RiskyChange,
} from './mcp/risk.js';
export { toolErrorSchema } from './mcp/tool-schemas.js';
export { AccessModule } from './access.module.js';
