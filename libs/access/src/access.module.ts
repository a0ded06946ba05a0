import { Global, Module } from '@nestjs/common';
import { KeysModule } from '@app/keys';
import { AccessTokenVerifier } from './application/access-token.verifier.js';
import { PrincipalResolver } from './application/principal.resolver.js';
import { AccessRecheckQuery } from './infrastructure/access-recheck.query.js';
import { ToolExecutionInterceptor } from './mcp/tool-execution.interceptor.js';

// Global so every resource module's @McpTools class can resolve the interceptor.
@Global()
@Module({
  imports: [KeysModule],
  providers: [PrincipalResolver, AccessTokenVerifier, AccessRecheckQuery, ToolExecutionInterceptor],
  exports: [PrincipalResolver, AccessTokenVerifier, ToolExecutionInterceptor],
})
export class AccessModule {}
