/** Raw JSON-RPC on protocol revision 2026-07-28: no session, the envelope rides in params._meta. */
export const MODERN_VERSION = '2026-07-28';

export interface ModernCallOptions {
  token: string;
  capabilities?: Record<string, unknown>;
  inputResponses?: Record<string, unknown>;
  requestState?: string;
}

let nextId = 1;

export async function modernToolCall(url: string, name: string, args: Record<string, unknown>, options: ModernCallOptions) {
  const params: Record<string, unknown> = {
    name,
    arguments: args,
    _meta: {
      'io.modelcontextprotocol/protocolVersion': MODERN_VERSION,
      'io.modelcontextprotocol/clientCapabilities': options.capabilities ?? {},
      'io.modelcontextprotocol/clientInfo': { name: 'raw-2026-client', version: '1.0.0' },
    },
  };
  if (options.inputResponses) params.inputResponses = options.inputResponses;
  if (options.requestState !== undefined) params.requestState = options.requestState;
  const res = await fetch(`${url}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${options.token}`,
      'mcp-protocol-version': MODERN_VERSION,
      'mcp-method': 'tools/call',
      'mcp-name': name,
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method: 'tools/call', params }),
  });
  const text = await res.text();
  const body = (text.startsWith('event:') || text.startsWith('data:') ? JSON.parse(text.split('\n').find((l) => l.startsWith('data:'))!.slice(5)) : JSON.parse(text)) as {
    result?: Record<string, any>;
    error?: { code: number; message: string };
  };
  return { status: res.status, body, result: body.result };
}
