import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { toolErrorSchema } from '@app/access';

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
