import { applyDecorators, createParamDecorator, SetMetadata, UseInterceptors, type ExecutionContext } from '@nestjs/common';
import { McpController, Tool, ToolScopes, type McpContext, type ToolAnnotations } from '@rekog/mcp-nest';
import { z } from 'zod';
import { UNADVERTISED, type Principal, type Toolset } from '@app/shared';
import type { Permission } from '../domain/permissions.js';
import { deferredInputSchema, toolOutputSchema } from './tool-schemas.js';
import { ToolExecutionInterceptor } from './tool-execution.interceptor.js';
import type { RiskAssessment } from './risk.js';

export const SCOPE_READ = 'mcp:read';
export const SCOPE_WRITE = 'mcp:write';

export interface McpToolOptions {
  /** snake_case verb_noun, at most 48 characters. */
  name: string;
  /** Display name for people choosing or approving the tool, e.g. "Invite member". */
  title: string;
  /** Written for an agent: what it does, when to use it, what it returns. */
  description: string;
  permission: Permission;
  input: z.ZodObject;
  output: z.ZodObject;
  annotations: Required<Pick<ToolAnnotations, 'readOnlyHint' | 'destructiveHint' | 'idempotentHint' | 'openWorldHint'>>;
  /**
   * Declares the tool risky (it removes people or data, widens access or changes permissions): returns the
   * change a call would make when the person must confirm it, or null. Such tools also accept `approvalId`.
   */
  risk?: RiskAssessment;
}

export interface ToolDefinition {
  name: string;
  permission: Permission;
  scope: typeof SCOPE_READ | typeof SCOPE_WRITE;
  input: z.ZodObject;
  output: z.ZodObject;
  /** Set by the class's @McpTools: the toolset that serves it, or 'everywhere' for every endpoint. */
  toolset: Toolset | 'everywhere';
  risk?: RiskAssessment;
}

export const APPROVAL_ID_FIELD = 'approvalId';

const approvalIdField = z
  .string()
  .min(1)
  .max(64)
  .optional()
  .meta({ description: 'From confirmation_required, once approved', [UNADVERTISED]: true });

export const TOOL_DEFINITION = 'openwork:tool-definition';

const definitions = new Map<string, ToolDefinition>();

/** Every declared tool by name (what the gateway filters by toolset, scope and permission). */
export function toolDefinition(name: string): ToolDefinition | undefined {
  return definitions.get(name);
}

/** Every declared tool, in declaration order. */
export function toolDefinitions(): ToolDefinition[] {
  return [...definitions.values()];
}

export interface McpToolsOptions {
  /** The toolset of /mcp/x/<toolsets> this area's tools belong to; 'everywhere' serves them on every endpoint. */
  toolset: Toolset | 'everywhere';
}

/** Marks a class whose methods are MCP tools, served by the gateway at /mcp and in its toolset's endpoints. */
export function McpTools(options: McpToolsOptions): ClassDecorator {
  const serve = applyDecorators(McpController(), UseInterceptors(ToolExecutionInterceptor));
  return (target) => {
    // Method decorators ran first: give each of this class's tools its toolset.
    for (const key of Object.getOwnPropertyNames(target.prototype)) {
      const definition = Reflect.getMetadata(TOOL_DEFINITION, target.prototype[key] as object) as ToolDefinition | undefined;
      if (definition) definition.toolset = options.toolset;
    }
    serve(target);
  };
}

/**
 * Declares one tool. The scope follows from the annotations (read-only tools need mcp:read,
 * everything else mcp:write); the permission is checked for the caller's role on every call.
 */
export function McpTool(options: McpToolOptions): MethodDecorator {
  const scope = options.annotations.readOnlyHint ? SCOPE_READ : SCOPE_WRITE;
  const input = options.risk ? options.input.extend({ [APPROVAL_ID_FIELD]: approvalIdField }) : options.input;
  // The toolset is filled in by @McpTools on the class; 'everywhere' until then.
  const definition: ToolDefinition = { name: options.name, permission: options.permission, scope, input, output: options.output, toolset: 'everywhere', risk: options.risk };
  if (definitions.has(options.name)) throw new Error(`Tool ${options.name} is declared twice`);
  definitions.set(options.name, definition);
  return applyDecorators(
    Tool({
      name: options.name,
      description: options.description,
      parameters: deferredInputSchema(input),
      outputSchema: toolOutputSchema(options.output),
      // mcp-nest has no top-level title; it travels in the annotations and tools/list lifts it (tool-lists.ts).
      annotations: { ...options.annotations, title: options.title },
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
