import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { MCP_HTTP_HANDLER } from '@rekog/mcp-nest';
import { McpAuthGuard } from './mcp-auth.guard.js';
import { McpBearerStrategy } from './mcp-bearer.strategy.js';
import { McpGatewayController } from './mcp-gateway.controller.js';
import { McpRequestBudget, McpRequestPolicy } from './mcp-request-policy.js';
import { McpServerHost } from './mcp-server.host.js';
import { ProtectedResourceController } from './protected-resource.controller.js';

@Module({
  imports: [PassportModule],
  controllers: [McpGatewayController, ProtectedResourceController],
  providers: [
    McpServerHost,
    McpBearerStrategy,
    McpAuthGuard,
    McpRequestBudget,
    McpRequestPolicy,
    { provide: MCP_HTTP_HANDLER, inject: [McpServerHost], useFactory: (host: McpServerHost) => host.transport.httpHandlers },
  ],
  exports: [McpServerHost],
})
export class GatewayModule {}
