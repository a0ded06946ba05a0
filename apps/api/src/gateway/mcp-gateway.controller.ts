import { Controller, UseGuards } from '@nestjs/common';
import { StreamableHttpController } from '@rekog/mcp-nest';
import { McpAuthGuard } from './mcp-auth.guard.js';

/**
 * The MCP endpoints (/mcp, /mcp/readonly, /mcp/x/<toolsets>): Streamable HTTP, stateless, every request
 * authenticated and rechecked. Only canonical paths get here (see resolveMcpEndpoint).
 */
@Controller(['mcp', 'mcp/readonly', 'mcp/x/:toolsets'])
@UseGuards(McpAuthGuard)
export class McpGatewayController extends StreamableHttpController {}
