import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { MCP_READONLY_PATH, MCP_TOOLSETS_PREFIX, TOOLSETS } from '@app/shared';
import { addMember, createOrg, createUser } from '../test/support/fixtures.js';
import { rawMcp } from '../test/support/mcp.js';
import type { TestApp } from '../test/support/test-app.js';
import { mintAccess } from '../test/support/tokens.js';

/** The ceilings the owner's full list must stay under (o200k tokens). */
export const WIRE_TOKEN_LIMIT = 15_000;
export const MODEL_VISIBLE_TOKEN_LIMIT = 6_000;

type ListedTool = { name: string; title?: string; description?: string; inputSchema?: unknown };

export interface ListSize {
  label: string;
  tools: number;
  bytes: number;
  /** The whole JSON-RPC answer as sent. */
  wireTokens: number;
  /** What clients put in front of the model: name, title, description and input schema of each tool. */
  modelTokens: number;
}

function sizeOf(label: string, wire: string, tools: ListedTool[]): ListSize {
  const visible = tools.map(({ name, title, description, inputSchema }) => ({ name, title, description, inputSchema }));
  return { label, tools: tools.length, bytes: Buffer.byteLength(wire), wireTokens: countTokens(wire), modelTokens: countTokens(JSON.stringify(visible)) };
}

async function listAs(t: TestApp, token: string, path = '/mcp'): Promise<{ wire: string; tools: ListedTool[] }> {
  const res = await rawMcp(t.url, { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }, { authorization: `Bearer ${token}` }, path);
  const wire = await res.text();
  if (res.status !== 200) throw new Error(`tools/list answered ${res.status}: ${wire.slice(0, 200)}`);
  return { wire, tools: (JSON.parse(wire) as { result: { tools: ListedTool[] } }).result.tools };
}

/**
 * tools/list sizes as served at /mcp to an owner, an admin, a member and an owner's read-only token, and to
 * an owner at /mcp/readonly and at each toolset's endpoint.
 */
export async function measureToolLists(t: TestApp): Promise<ListSize[]> {
  const owner = await createUser(t);
  const org = await createOrg(t, owner, { seats: 10 });
  const sizes: ListSize[] = [];
  const callers: Array<[string, string, string]> = [['owner', 'owner', 'mcp:read mcp:write'], ['admin', 'admin', 'mcp:read mcp:write'], ['member', 'member', 'mcp:read mcp:write'], ['read-only (owner)', 'owner', 'mcp:read']];
  for (const [label, role, scope] of callers) {
    const user = role === 'owner' ? owner : await createUser(t);
    if (role !== 'owner') await addMember(t, org.slug, user, role);
    const { wire, tools } = await listAs(t, (await mintAccess(t, user, org.id, scope)).token);
    sizes.push(sizeOf(label, wire, tools));
  }
  for (const path of [MCP_READONLY_PATH, ...TOOLSETS.map((toolset) => `${MCP_TOOLSETS_PREFIX}${toolset}`)]) {
    const { token } = await mintAccess(t, owner, org.id, 'mcp:read mcp:write', `${t.config.publicUrl}${path}`);
    const { wire, tools } = await listAs(t, token, path);
    sizes.push(sizeOf(`owner at ${path}`, wire, tools));
  }
  return sizes;
}

export function formatSizes(sizes: ListSize[]): string {
  const rows = sizes.map((s) => `${s.label.padEnd(24)} ${String(s.tools).padStart(5)} ${String(s.bytes).padStart(9)} ${String(s.wireTokens).padStart(11)} ${String(s.modelTokens).padStart(12)}`);
  return [`${'list'.padEnd(24)} ${'tools'.padStart(5)} ${'bytes'.padStart(9)} ${'wire tokens'.padStart(11)} ${'model tokens'.padStart(12)}`, ...rows].join('\n');
}
