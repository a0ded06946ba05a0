import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { toolErrorSchema } from '@app/access';
import type { Account } from '@app/identity';
import type { TestApp } from './test-app.js';
import { mintAccess } from './tokens.js';

/** A real MCP SDK client on Streamable HTTP with a bearer token. */
export async function connectWithToken(url: string, token: string, path = '/mcp'): Promise<Client> {
  const client = new Client({ name: 'e2e-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${url}${path}`), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  return client;
}

export async function callTool<T = Record<string, unknown>>(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  return { result, data: result.structuredContent as T, isError: result.isError === true };
}

export interface ToolError {
  code: string;
  message: string;
  details: Record<string, unknown>;
  hint: string | null;
}

/**
 * The error of a failed tool call: an `isError` result whose text content is the JSON envelope
 * `{ error: { code, message, details, hint } }`, without structured content (the output schema describes
 * success only). Fails the test when the result is anything else.
 */
export function toolError(result: Pick<CallToolResult, 'content' | 'isError' | 'structuredContent'>): ToolError {
  assert.equal(result.isError, true, 'an error result');
  assert.equal(result.structuredContent, undefined, 'errors carry no structured content');
  const text = result.content.find((item) => item.type === 'text');
  assert.ok(text && text.type === 'text', 'errors carry the envelope as text content');
  return toolErrorSchema.parse(JSON.parse(text.text)).error as ToolError;
}

/** A raw JSON-RPC POST to /mcp, for checks below the SDK (status codes, headers). */
export async function rawMcp(url: string, body: unknown, headers: Record<string, string> = {}, path = '/mcp') {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18', ...headers },
    body: JSON.stringify(body),
  });
}

/** Calls a tool that must succeed and returns its structured content. */
export async function ok<T = Record<string, any>>(client: Client, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const r = await callTool<T>(client, name, args);
  assert.equal(r.isError, false, `${name} failed: ${JSON.stringify(r.result.structuredContent ?? r.result.content)}`);
  return r.data;
}

/** Calls a tool that must fail with a domain error (with this code, when given) and returns that error. */
export async function fails(client: Client, name: string, args: Record<string, unknown> = {}, code?: string) {
  const r = await callTool(client, name, args);
  assert.equal(r.isError, true, `${name} unexpectedly succeeded: ${JSON.stringify(r.data)}`);
  const error = toolError(r.result);
  if (code !== undefined) assert.equal(error.code, code, `${name} refused with ${error.code}, expected ${code}`);
  return error;
}

/** Calls tools and keeps every raw result, so a test can search all of them for what must never appear. */
export function recordingCalls() {
  const results: unknown[] = [];
  return {
    results,
    async call(client: Client, name: string, args: Record<string, unknown>) {
      const r = await callTool(client, name, args);
      results.push(r.result);
      return r;
    },
  };
}

/**
 * An area's tool surface: a read-only connection lists its reads and none of its writes, and every tool
 * of the area (names matching `area`) declares honest annotations and describes each input field.
 */
export async function assertToolSurface(readOnly: Client, full: Client, area: { reads: string[]; writes: string[]; names: RegExp }) {
  const names = (await readOnly.listTools()).tools.map((x) => x.name);
  for (const name of area.reads) assert.ok(names.includes(name), name);
  for (const name of area.writes) assert.ok(!names.includes(name), name);
  for (const tool of (await full.listTools()).tools.filter((x) => area.names.test(x.name))) {
    assert.equal(tool.annotations!.readOnlyHint, /^(list|get)_/.test(tool.name), tool.name);
    assert.equal(tool.annotations!.destructiveHint, tool.name.startsWith('delete_'), tool.name);
    assert.equal(tool.annotations!.openWorldHint, false, tool.name);
    for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) assert.ok((schema as { description?: string }).description, `${tool.name}.${field}`);
  }
}

/** Three rows make two pages of two: the second has the one left and no next cursor. */
export async function assertPaginates(owner: Client, reader: Client, list: string, create: (i: number) => [string, Record<string, unknown>]) {
  for (let i = 0; i < 3; i++) await ok(owner, ...create(i));
  const first = await ok(reader, list, { limit: 2 });
  assert.equal(first.items.length, 2, list);
  const second = await ok(reader, list, { limit: 2, cursor: first.nextCursor });
  assert.equal(second.items.length, 1, list);
  assert.equal(second.nextCursor, null, list);
}

/** Every one of these calls names another organization's row, so each answers not_found. */
export async function assertNotFound(client: Client, calls: [string, Record<string, unknown>][]) {
  for (const [tool, args] of calls) assert.equal((await fails(client, tool, args)).code, 'not_found', `${tool} ${JSON.stringify(args)}`);
}

/** SDK clients a suite opens as users of an organization (the app is read when connecting); closeAll ends them. */
export function openedClients(app: () => TestApp) {
  const clients: Client[] = [];
  return {
    async connect(user: Account, orgId: string, scope = 'mcp:read mcp:write'): Promise<Client> {
      const t = app();
      const client = await connectWithToken(t.url, (await mintAccess(t, user, orgId, scope)).token);
      clients.push(client);
      return client;
    },
    closeAll: () => Promise.all(clients.map((c) => c.close().catch(() => undefined))),
  };
}
