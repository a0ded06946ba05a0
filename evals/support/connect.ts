import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { BrowserContext } from 'playwright-core';
import { BrowserOAuthProvider } from './browser-oauth-provider.js';
import type { Person, Screenshots } from './chromium.js';
import { LoopbackCallback } from './loopback-callback.js';

export interface Connection {
  client: Client;
  provider: BrowserOAuthProvider;
  close(): Promise<void>;
}

/**
 * Connects the way an MCP client does on first use: the unauthenticated request gets a 401, the SDK
 * discovers the authorization server from it, registers itself, sends the person to the browser with a
 * PKCE challenge, and exchanges the code received on its loopback listener.
 */
export async function connectThroughBrowser(
  serverUrl: string,
  browser: BrowserContext,
  person: Person,
  clientName: string,
  shots: Screenshots = {},
): Promise<Connection> {
  const callback = await new LoopbackCallback().listen();
  const provider = new BrowserOAuthProvider(browser, callback, person, serverUrl, clientName, shots);
  const mcpUrl = new URL(`${serverUrl}/mcp`);
  try {
    await new Client({ name: clientName, version: '1.0.0' }).connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
    throw new Error('the server accepted a client without a token');
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
  }
  const first = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
  await first.finishAuth(await provider.authorizationCode());
  await callback.close();
  const client = new Client({ name: clientName, version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
  return { client, provider, close: () => client.close() };
}

export interface ToolOutcome<T> {
  data: T;
  isError: boolean;
  error?: { code: string; message: string; details: Record<string, unknown>; hint: string | null };
}

/** A failed call's `{ error }` envelope: JSON text content (error results carry no structured content). */
function errorEnvelope(result: CallToolResult): ToolOutcome<unknown>['error'] {
  const text = result.content.find((item) => item.type === 'text');
  if (!text || text.type !== 'text') throw new Error(`error result without text content: ${JSON.stringify(result)}`);
  return (JSON.parse(text.text) as { error: ToolOutcome<unknown>['error'] }).error;
}

export async function call<T = Record<string, any>>(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolOutcome<T>> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const structured = result.structuredContent as Record<string, unknown> | undefined;
  return result.isError
    ? { data: structured as T, isError: true, error: errorEnvelope(result) }
    : { data: structured as T, isError: false };
}

/** A call the flow needs to succeed; its failure message is the tool's own error. */
export async function must<T = Record<string, any>>(client: Client, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const outcome = await call<T>(client, name, args);
  if (outcome.isError) throw new Error(`${name} failed: ${JSON.stringify(outcome.error)}`);
  return outcome.data;
}

/** A call that must be refused by a named policy: that refusal is the pass. */
export async function refused(client: Client, name: string, args: Record<string, unknown>, code: string) {
  const outcome = await call(client, name, args);
  if (!outcome.isError) throw new Error(`${name} ${JSON.stringify(args)} succeeded; expected ${code}`);
  if (outcome.error?.code !== code) throw new Error(`${name} refused with ${outcome.error?.code}; expected ${code}`);
  return outcome.error!;
}
