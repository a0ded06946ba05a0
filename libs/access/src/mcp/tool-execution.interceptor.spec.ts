import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { lastValueFrom, of, throwError } from 'rxjs';
import { z } from 'zod';
import { DomainError, type Principal } from '@app/shared';
import { TOOL_DEFINITION, toolCallState, type ToolDefinition } from './mcp-tool.decorator.js';
import { ToolExecutionInterceptor } from './tool-execution.interceptor.js';

const definition: ToolDefinition = {
  name: 'create_thing',
  permission: 'catalog:write',
  scope: 'mcp:write',
  input: z.object({ name: z.string().min(1).describe('n'), size: z.number().int().default(1).describe('s') }),
  output: z.object({ ok: z.boolean() }),
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

async function run(payload: unknown, who: Principal, next: CallHandler) {
  const interceptor = new ToolExecutionInterceptor(new Reflector());
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
    assert.equal(result.structuredContent.error.code, 'invalid_input');
    assert.deepEqual(result.structuredContent.error.details.fields.map((f: { path: string }) => f.path), ['name', 'size']);
  });

  it('refuses text PostgreSQL cannot store (U+0000, unpaired surrogates) as invalid_input, naming the field', async () => {
    for (const name of ['a\u0000b', 'x\ud800']) {
      let called = false;
      const { result } = await run({ name }, principal(['catalog:write']), { handle: () => ((called = true), of({ ok: true })) });
      assert.equal(called, false);
      assert.equal(result.structuredContent.error.code, 'invalid_input');
      assert.deepEqual(result.structuredContent.error.details.fields.map((f: { path: string }) => f.path), ['name']);
    }
  });

  it('refuses a role without the permission with permission_denied', async () => {
    const { result } = await run({ name: 'x' }, principal(['catalog:read']), { handle: () => of({ ok: true }) });
    assert.equal(result.structuredContent.error.code, 'permission_denied');
    assert.equal(result.structuredContent.error.details.requiredPermission, 'catalog:write');
  });

  it('keeps a domain error\'s code, details and hint', async () => {
    const error = new DomainError('limit_reached', 'seat_limit_reached', 'No seat', { seatLimit: 3 }, 'Upgrade');
    const { result } = await run({ name: 'x' }, principal(['catalog:write']), { handle: () => throwError(() => error) });
    assert.deepEqual(result.structuredContent, { error: { code: 'seat_limit_reached', message: 'No seat', details: { seatLimit: 3 }, hint: 'Upgrade' } });
    assert.deepEqual(JSON.parse(result.content[0].text), result.structuredContent);
  });

  it('reports an unexpected failure with a reference and none of its internals', async () => {
    const secret = 'relation "Secret" does not exist at /srv/app.js:12';
    const { result } = await run({ name: 'x' }, principal(['catalog:write']), { handle: () => throwError(() => new Error(secret)) });
    assert.equal(result.structuredContent.error.code, 'internal_error');
    assert.match(result.structuredContent.error.details.reference, /^[0-9a-f-]{36}$/);
    assert.ok(!JSON.stringify(result).includes('Secret'));
    assert.ok(!JSON.stringify(result).includes('/srv'));
  });
});
