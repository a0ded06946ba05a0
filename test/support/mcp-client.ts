import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

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

/** The structured error of a failed tool call. */
export function toolError(result: CallToolResult) {
  return (result.structuredContent as { error: { code: string; message: string; details: Record<string, unknown>; hint: string | null } }).error;
}

/** A raw JSON-RPC POST to /mcp, for checks below the SDK (status codes, headers). */
export async function rawMcp(url: string, body: unknown, headers: Record<string, string> = {}, path = '/mcp') {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18', ...headers },
    body: JSON.stringify(body),
  });
}
