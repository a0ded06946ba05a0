import { applyDecorators, createParamDecorator, SetMetadata, UseInterceptors, type ExecutionContext } from '@nestjs/common';
import { McpController, Tool, ToolScopes, type McpContext, type ToolAnnotations } from '@rekog/mcp-nest';
import type { z } from 'zod';
import type { Principal } from '@app/shared';
import type { Permission } from '../domain/permissions.js';
import { deferredInputSchema, toolOutputSchema } from './tool-schemas.js';
import { ToolExecutionInterceptor } from './tool-execution.interceptor.js';

export const SCOPE_READ = 'mcp:read';
export const SCOPE_WRITE = 'mcp:write';

export interface McpToolOptions {
  /** snake_case verb_noun, at most 48 characters. */
  name: string;
  /** Written for an agent: what it does, when to use it, what it returns. */
  description: string;
  permission: Permission;
  input: z.ZodObject;
  output: z.ZodObject;
  annotations: Required<Pick<ToolAnnotations, 'readOnlyHint' | 'destructiveHint' | 'idempotentHint' | 'openWorldHint'>> & { title?: string };
}

export interface ToolDefinition {
  name: string;
  permission: Permission;
  scope: typeof SCOPE_READ | typeof SCOPE_WRITE;
  input: z.ZodObject;
  output: z.ZodObject;
}

export const TOOL_DEFINITION = 'openwork:tool-definition';

/** Marks a class whose methods are MCP tools, served by the gateway at /mcp. */
export function McpTools(): ClassDecorator {
  return applyDecorators(McpController(), UseInterceptors(ToolExecutionInterceptor));
}

/**
 * Declares one tool. The scope follows from the annotations (read-only tools need mcp:read,
 * everything else mcp:write); the permission is checked for the caller's role on every call.
 */
export function McpTool(options: McpToolOptions): MethodDecorator {
  const scope = options.annotations.readOnlyHint ? SCOPE_READ : SCOPE_WRITE;
  const definition: ToolDefinition = { name: options.name, permission: options.permission, scope, input: options.input, output: options.output };
  return applyDecorators(
    Tool({
      name: options.name,
      description: options.description,
      parameters: deferredInputSchema(options.input),
      outputSchema: toolOutputSchema(options.output),
      annotations: options.annotations,
    }),
    ToolScopes([scope]),
    SetMetadata(TOOL_DEFINITION, definition),
  );
}

export interface ToolCallState {
  principal: Principal;
  input: unknown;
}

/** Per-call state the interceptor prepares for the parameter decorators below. */
export const toolCallState = new WeakMap<object, ToolCallState>();

function stateOf(ctx: ExecutionContext): ToolCallState {
  const state = toolCallState.get(ctx.switchToRpc().getContext<McpContext>());
  if (!state) throw new Error('Tool parameters are only available inside an @McpTools class');
  return state;
}

/** The validated tool input (the zod output of the tool's input schema). */
export const ToolInput = createParamDecorator((_: unknown, ctx: ExecutionContext) => stateOf(ctx).input);

/** The authenticated caller: org, user, membership, role, permissions, scopes, client. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext) => stateOf(ctx).principal);
