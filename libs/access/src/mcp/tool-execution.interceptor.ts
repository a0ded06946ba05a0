import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { ProtocolError } from '@modelcontextprotocol/server';
import { RpcException } from '@nestjs/microservices';
import type { McpContext } from '@rekog/mcp-nest';
import { from, lastValueFrom, type Observable } from 'rxjs';
import type { z } from 'zod';
import { annotateActiveSpan, DomainError, InvalidInputError, isDatabaseUnavailable, unstorableTextPath, withSpan, type ErrorBody, type Principal } from '@app/shared';
import { assertPermission } from '../domain/access-denied.js';
import { APPROVAL_ID_FIELD, SCOPE_READ, TOOL_DEFINITION, toolCallState, type ToolDefinition } from './mcp-tool.decorator.js';
import { CONFIRMATION_STEP, DECLARED_CLIENT, type ConfirmationStep, type ConfirmingClient, type DeclaredClient } from './risk.js';

export interface ToolErrorResult {
  isError: true;
  content: [{ type: 'text'; text: string }];
}

/**
 * A domain error as a tool result: the `{ error: { code, message, details, hint } }` envelope as JSON text,
 * without structured content. Output schemas then describe success only (the envelope repeated in every
 * tool's schema was a third of tools/list), and no client validates an error against a success schema.
 */
export function toolErrorResult(body: ErrorBody): ToolErrorResult {
  return { isError: true, content: [{ type: 'text', text: JSON.stringify({ error: body }) }] };
}

// Error results carry the envelope as JSON text only (see toolErrorResult).
function errorCodeOf(result: ToolErrorResult): string {
  return (JSON.parse(result.content[0].text) as { error: ErrorBody }).error.code;
}

function invalidInput(tool: string, error: z.ZodError): InvalidInputError {
  const fields = error.issues.slice(0, 20).map((issue) => ({
    path: issue.path.map(String).join('.') || '(input)',
    message: issue.message,
  }));
  const first = fields[0]!;
  return new InvalidInputError(`Invalid input for ${tool}: ${first.path}: ${first.message}.`, fields, 'Correct the named fields (see the tool\'s input schema) and call again.');
}

// mcp-nest passes a result with a `content` array through untouched (anything else is validated against
// the tool's output schema); a non-enumerable one never reaches the wire, so an input_required result stays
// exactly what the 2026-07-28 revision defines.
function asFinalResult(result: Record<string, unknown>): Record<string, unknown> {
  return Object.defineProperty({ ...result }, 'content', { value: [], enumerable: false });
}

function confirmingClient(mcp: McpContext): ConfirmingClient {
  // The SDK's per-request context is the fifth argument of mcp-nest's context (its getter is private).
  const request = (mcp.getArgByIndex(4) as { mcpReq?: { inputResponses?: Record<string, unknown>; requestState(): unknown } } | undefined)?.mcpReq;
  const state = request?.requestState();
  const era = mcp.getSession()?.era === 'modern' ? 'modern' : 'legacy';
  // 2025 revisions declare capabilities once, at initialize: the gateway reads them from the session id.
  const declared = era === 'legacy' ? mcp.getRawRequest<{ [DECLARED_CLIENT]?: DeclaredClient }>()?.[DECLARED_CLIENT] : undefined;
  return {
    era,
    capabilities: declared?.capabilities ?? (mcp.getClientCapabilities() as Record<string, unknown> | undefined),
    inputResponses: request?.inputResponses,
    requestState: typeof state === 'string' ? state : undefined,
    elicit: declared?.elicit,
  };
}

/**
 * Runs around every tool call: role permission, input validation, the person's confirmation of a risky
 * change, and the translation of failures into tool results. Domain errors keep their code, details and
 * hint; a ProtocolError stays a JSON-RPC error; anything else is logged with a reference and reported
 * without internals.
 */
@Injectable()
export class ToolExecutionInterceptor implements NestInterceptor {
  private readonly logger = new Logger('McpTools');

  constructor(
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
    @Inject(CONFIRMATION_STEP) private readonly confirmation: ConfirmationStep,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return from(this.run(context, next));
  }

  // One span per tool call: its name and outcome (ok or the error code), never its arguments.
  private run(context: ExecutionContext, next: CallHandler): Promise<unknown> {
    const definition = this.reflector.get<ToolDefinition | undefined>(TOOL_DEFINITION, context.getHandler());
    const toolName = definition?.name ?? context.getHandler().name;
    return withSpan(
      `tools/call ${toolName}`,
      async () => {
        const result = await this.execute(context, next, definition, toolName);
        const failure = (result as Partial<ToolErrorResult> | undefined)?.isError ? errorCodeOf(result as ToolErrorResult) : undefined;
        annotateActiveSpan(failure ? { 'mcp.tool.outcome': 'error', 'error.type': failure } : { 'mcp.tool.outcome': 'ok' });
        return result;
      },
      { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': toolName },
    );
  }

  private async execute(context: ExecutionContext, next: CallHandler, definition: ToolDefinition | undefined, toolName: string): Promise<unknown> {
    const mcp = context.switchToRpc().getContext<McpContext>();
    try {
      if (!definition) throw new Error(`${toolName} is not declared with @McpTool`);
      const principal = mcp.getRawRequest<{ user?: { principal?: Principal } }>()?.user?.principal;
      if (!principal) throw new Error('Tool called without an authenticated principal');
      assertPermission(principal, definition.permission);
      const data = context.switchToRpc().getData() ?? {};
      const bad = unstorableTextPath(data);
      if (bad) {
        throw new InvalidInputError(
          `Invalid input for ${definition.name}: ${bad}: text may not contain U+0000 or unpaired surrogates.`,
          [{ path: bad, message: 'not valid Unicode text' }],
          'Send well-formed UTF-8 text without NUL characters and call again.',
        );
      }
      const parsed = definition.input.safeParse(data);
      if (!parsed.success) throw invalidInput(definition.name, parsed.error);
      let input = parsed.data as Record<string, unknown>;
      let caller = principal;
      if (definition.risk) {
        const { [APPROVAL_ID_FIELD]: approvalId, ...rest } = input;
        input = rest;
        const change = await definition.risk({ principal, input, get: (type) => this.moduleRef.get(type, { strict: false }) });
        if (change) {
          const outcome = await this.confirmation.confirm({
            tool: definition.name,
            principal,
            change,
            approvalId: approvalId as string | undefined,
            client: confirmingClient(mcp),
          });
          if (!outcome.proceed) return asFinalResult(outcome.result);
          caller = { ...principal, approval: outcome.evidence };
        }
      }
      toolCallState.set(mcp, { principal: caller, input });
      return await lastValueFrom(next.handle());
    } catch (error) {
      if (error instanceof DomainError) return toolErrorResult(error.toBody());
      // A protocol-level answer chosen on purpose (URL elicitation required, -32042) reaches the wire as a
      // JSON-RPC error: wrapped, Nest's RPC exception handling hands it to mcp-nest, which rethrows it to the SDK.
      if (error instanceof ProtocolError) throw new RpcException(error);
      const reference = randomUUID();
      if (isDatabaseUnavailable(error)) {
        // Not a defect: the database restarted or dropped the connection. A warning, and an answer the agent
        // can act on; a write may have committed just before the connection went, so it checks first.
        this.logger.warn(`Tool ${toolName} met the database unavailable (reference ${reference}): ${(error as Error)?.message ?? String(error)}`);
        return toolErrorResult({
          code: 'service_unavailable',
          message: `The database could not be reached while running ${toolName}. Reference: ${reference}.`,
          details: { reference },
          hint:
            definition?.scope === SCOPE_READ
              ? 'Retry in a few seconds.'
              : 'Retry in a few seconds; the change may have been made just before the connection was lost, so read it back before repeating it.',
        });
      }
      this.logger.error(`Tool ${toolName} failed (reference ${reference}): ${(error as Error)?.stack ?? String(error)}`);
      return toolErrorResult({
        code: 'internal_error',
        message: `The server could not complete ${toolName}. Reference: ${reference}.`,
        details: { reference },
        hint: 'Nothing was reported back about the cause; retry once, and quote the reference if it keeps failing.',
      });
    }
  }
}
