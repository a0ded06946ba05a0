import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { lastValueFrom, of, throwError } from 'rxjs';
import { z } from 'zod';
import { DomainError, type Principal } from '@app/shared';
import { TOOL_DEFINITION, toolCallState, type ToolDefinition } from './mcp-tool.decorator.js';
import { ToolExecutionInterceptor } from './tool-execution.interceptor.js';
import type { ConfirmationOutcome, RiskyCall } from './risk.js';

const definition: ToolDefinition = {
  name: 'create_thing',
  permission: 'catalog:write',
  scope: 'mcp:write',
  input: z.object({ name: z.string().min(1).describe('n'), size: z.number().int().default(1).describe('s') }),
  output: z.object({ ok: z.boolean() }),
  toolset: 'catalog',
};

function principal(permissions: string[]): Principal {
  return {
    orgId: 'o', userId: 'u', membershipId: 'm', role: 'member', permissions: new Set(permissions), scopes: new Set(['mcp:write']),
    clientId: 'c', sessionId: 's', grantId: 'g',
    organization: { id: 'o', name: 'Org', slug: 'org', plan: 'free' }, account: { id: 'u', email: 'u@example.com', name: 'U' }, clientName: 'C',
  };
}

function handler() {}
Reflect.defineMetadata(TOOL_DEFINITION, definition, handler);

function contextFor(payload: unknown, who: Principal) {
  const mcp = { getRawRequest: () => ({ user: { principal: who } }) };
  return {
    mcp,
    context: {
      getHandler: () => handler,
      switchToRpc: () => ({ getContext: () => mcp, getData: () => payload }),
    } as unknown as ExecutionContext,
  };
}

/** Error results carry the envelope as JSON text only. */
function errorOf(result: any) {
  assert.equal(result.isError, true);
  assert.equal(result.structuredContent, undefined);
  return JSON.parse(result.content[0].text).error;
}

async function run(payload: unknown, who: Principal, next: CallHandler) {
  const noConfirmation = { confirm: () => Promise.reject(new Error('no tool here is risky')) };
  const interceptor = new ToolExecutionInterceptor(new Reflector(), {} as ModuleRef, noConfirmation);
  const { context, mcp } = contextFor(payload, who);
  const result = await lastValueFrom(interceptor.intercept(context, next));
  return { result: result as any, state: toolCallState.get(mcp) };
}

describe('ToolExecutionInterceptor', () => {
  it('hands the validated input (with defaults) to the tool', async () => {
    const { result, state } = await run({ name: 'x' }, principal(['catalog:write']), { handle: () => of({ ok: true }) });
    assert.deepEqual(result, { ok: true });
    assert.deepEqual(state?.input, { name: 'x', size: 1 });
  });

  it('turns invalid input into invalid_input naming each field, without calling the tool', async () => {
    let called = false;
    const { result } = await run({ name: '', size: 1.5 }, principal(['catalog:write']), { handle: () => ((called = true), of({ ok: true })) });
    assert.equal(called, false);
    assert.equal(result.isError, true);
    assert.equal(errorOf(result).code, 'invalid_input');
    assert.deepEqual(errorOf(result).details.fields.map((f: { path: string }) => f.path), ['name', 'size']);
  });

  it('refuses text PostgreSQL cannot store (U+0000, unpaired surrogates) as invalid_input, naming the field', async () => {
    for (const name of ['a\u0000b', 'x\ud800']) {
      let called = false;
      const { result } = await run({ name }, principal(['catalog:write']), { handle: () => ((called = true), of({ ok: true })) });
      assert.equal(called, false);
      assert.equal(errorOf(result).code, 'invalid_input');
      assert.deepEqual(errorOf(result).details.fields.map((f: { path: string }) => f.path), ['name']);
    }
  });

  it('refuses a role without the permission with permission_denied', async () => {
    const { result } = await run({ name: 'x' }, principal(['catalog:read']), { handle: () => of({ ok: true }) });
    assert.equal(errorOf(result).code, 'permission_denied');
    assert.equal(errorOf(result).details.requiredPermission, 'catalog:write');
  });

  it('keeps a domain error\'s code, details and hint', async () => {
    const error = new DomainError('limit_reached', 'seat_limit_reached', 'No seat', { seatLimit: 3 }, 'Upgrade');
    const { result } = await run({ name: 'x' }, principal(['catalog:write']), { handle: () => throwError(() => error) });
    assert.deepEqual(result, {
      isError: true,
      content: [{ type: 'text', text: JSON.stringify({ error: { code: 'seat_limit_reached', message: 'No seat', details: { seatLimit: 3 }, hint: 'Upgrade' } }) }],
    });
  });

  it('reports an unexpected failure with a reference and none of its internals', async () => {
    const secret = 'relation "Secret" does not exist at /srv/app.js:12';
    const { result } = await run({ name: 'x' }, principal(['catalog:write']), { handle: () => throwError(() => new Error(secret)) });
    assert.equal(errorOf(result).code, 'internal_error');
    assert.match(errorOf(result).details.reference, /^[0-9a-f-]{36}$/);
    assert.ok(!JSON.stringify(result).includes('Secret'));
    assert.ok(!JSON.stringify(result).includes('/srv'));
  });

  it('answers service_unavailable when the database is lost mid-call, with a hint that fits a read or a write', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5432'), { code: 'ECONNREFUSED' });
    const write = await run({ name: 'x' }, principal(['catalog:write']), { handle: () => throwError(() => refused) });
    assert.equal(errorOf(write.result).code, 'service_unavailable');
    assert.match(errorOf(write.result).details.reference, /^[0-9a-f-]{36}$/);
    assert.match(errorOf(write.result).hint, /may have been made/);
    assert.ok(!JSON.stringify(write.result).includes('10.0.0.7'));

    const readHandler = () => {};
    Reflect.defineMetadata(TOOL_DEFINITION, { ...definition, name: 'list_things', scope: 'mcp:read' }, readHandler);
    const interceptor = new ToolExecutionInterceptor(new Reflector(), {} as ModuleRef, { confirm: () => Promise.reject(new Error('not risky')) });
    const { context } = contextFor({ name: 'x' }, principal(['catalog:write']));
    const read = await lastValueFrom(
      interceptor.intercept({ ...context, getHandler: () => readHandler } as ExecutionContext, {
        handle: () => throwError(() => new Error('Client has encountered a connection error and is not queryable')),
      }),
    );
    assert.equal(errorOf(read).code, 'service_unavailable');
    assert.equal(errorOf(read).hint, 'Retry in a few seconds.');
  });

  describe('a tool that declares its risk', () => {
    const riskyHandler = () => {};
    const seen: { calls: RiskyCall[] } = { calls: [] };
    const risky: ToolDefinition = {
      ...definition,
      name: 'remove_thing',
      input: definition.input.extend({ approvalId: z.string().optional().describe('a') }),
      risk: async ({ input }) => ((input as { name: string }).name === 'harmless' ? null : { summary: `Remove ${(input as { name: string }).name}`, resolved: { id: 'thing-1' } }),
    };
    Reflect.defineMetadata(TOOL_DEFINITION, risky, riskyHandler);

    async function runRisky(payload: unknown, outcome: ConfirmationOutcome, next: CallHandler) {
      seen.calls = [];
      const step = { confirm: async (call: RiskyCall) => (seen.calls.push(call), outcome) };
      const interceptor = new ToolExecutionInterceptor(new Reflector(), {} as ModuleRef, step);
      const mcp = { getRawRequest: () => ({ user: { principal: principal(['catalog:write']) } }), getSession: () => ({ era: 'modern' }), getClientCapabilities: () => ({ elicitation: {} }), getArgByIndex: () => undefined };
      const context = { getHandler: () => riskyHandler, switchToRpc: () => ({ getContext: () => mcp, getData: () => payload }) } as unknown as ExecutionContext;
      const result = await lastValueFrom(interceptor.intercept(context, next));
      return { result: result as any, state: toolCallState.get(mcp) };
    }

    it('runs the tool after the confirmation step, without approvalId in its input and with the evidence on the principal', async () => {
      const evidence = { method: 'browser' as const, approvedByUserId: 'u', approvedAt: '2026-12-01T00:00:00.000Z', approvalId: 'ap1' };
      const { result, state } = await runRisky({ name: 'x', approvalId: 'ap1' }, { proceed: true, evidence }, { handle: () => of({ ok: true }) });
      assert.deepEqual(result, { ok: true });
      assert.equal(seen.calls.length, 1);
      assert.equal(seen.calls[0]!.approvalId, 'ap1');
      assert.deepEqual(seen.calls[0]!.change, { summary: 'Remove x', resolved: { id: 'thing-1' } });
      assert.equal(seen.calls[0]!.client.era, 'modern');
      assert.deepEqual(state?.input, { name: 'x', size: 1 });
      assert.deepEqual(state?.principal.approval, evidence);
    });

    it('answers with the step\'s result and never calls the tool when the person has not confirmed', async () => {
      let called = false;
      const pending = { resultType: 'input_required', requestState: 's' };
      const { result } = await runRisky({ name: 'x' }, { proceed: false, result: pending }, { handle: () => ((called = true), of({ ok: true })) });
      assert.equal(called, false);
      assert.deepEqual(JSON.parse(JSON.stringify(result)), pending, 'nothing but the input_required result reaches the wire');
      assert.deepEqual(result.content, [], 'mcp-nest passes it through untouched');
    });

    it('skips the step when the call is not risky for these arguments', async () => {
      const { result, state } = await runRisky({ name: 'harmless' }, { proceed: false, result: {} }, { handle: () => of({ ok: true }) });
      assert.deepEqual(result, { ok: true });
      assert.equal(seen.calls.length, 0);
      assert.equal(state?.principal.approval, undefined);
    });
  });
});
