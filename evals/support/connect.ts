import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
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
