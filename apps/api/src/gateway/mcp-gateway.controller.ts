import { Controller, UseGuards } from '@nestjs/common';
import { StreamableHttpController } from '@rekog/mcp-nest';
import { McpAuthGuard } from './mcp-auth.guard.js';

/** The one MCP endpoint: Streamable HTTP, stateless, every request authenticated and rechecked. */
@Controller('mcp')
@UseGuards(McpAuthGuard)
export class McpGatewayController extends StreamableHttpController {}
