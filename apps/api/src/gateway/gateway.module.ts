import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { MCP_HTTP_HANDLER } from '@rekog/mcp-nest';
import { MembersModule } from '@app/members';
import { SkillsModule } from '@app/skills';
import { TeamsModule } from '@app/teams';
import { McpAuthGuard } from './mcp-auth.guard.js';
import { ElicitationRelay } from './elicitation-relay.js';
import { McpBearerStrategy } from './mcp-bearer.strategy.js';
import { McpGatewayController } from './mcp-gateway.controller.js';
import { McpRequestBudget, McpRequestPolicy } from './mcp-request-policy.js';
import { McpServerHost } from './mcp-server.host.js';
import { McpSessions } from './mcp-session.js';
import { PromptsAndResources } from './prompts-and-resources.js';
import { ProtectedResourceController } from './protected-resource.controller.js';
import { ServerIconController } from './server-icon.controller.js';

@Module({
  // Prompt argument completion and skill resources read through these areas' services.
  imports: [PassportModule, MembersModule, TeamsModule, SkillsModule],
  controllers: [McpGatewayController, ProtectedResourceController, ServerIconController],
  providers: [
    McpServerHost,
    PromptsAndResources,
    McpBearerStrategy,
    McpAuthGuard,
    McpRequestBudget,
    McpRequestPolicy,
    McpSessions,
    ElicitationRelay,
    { provide: MCP_HTTP_HANDLER, inject: [McpServerHost], useFactory: (host: McpServerHost) => host.shared.httpHandlers(host.transport.httpHandlers) },
  ],
  exports: [McpServerHost],
})
export class GatewayModule {}
