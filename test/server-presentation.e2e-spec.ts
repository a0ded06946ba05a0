import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createOrg, createUser } from './support/fixtures.js';
import { connectWithToken, rawMcp } from './support/mcp.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { mintAccess } from './support/tokens.js';

const MODERN = '2026-07-28';

describe('what the server says about itself', () => {
  let t: TestApp;
  let client: Client;
  let token: string;

  before(async () => {
    t = await startTestApp();
    const owner = await createUser(t);
    const org = await createOrg(t, owner);
    token = (await mintAccess(t, owner, org.id)).token;
    client = await connectWithToken(t.url, token);
  });
  after(async () => {
    await client.close();
    await t.close();
  });

  it('advertises no list-changed notifications and no logging, which a stateless JSON transport cannot deliver', async () => {
    const capabilities = client.getServerCapabilities() ?? {};
    assert.deepEqual(capabilities.tools, {});
    assert.equal('logging' in capabilities, false);
    for (const kind of ['tools', 'resources', 'prompts'] as const) {
      assert.equal(capabilities[kind]?.listChanged, undefined, `${kind}.listChanged`);
      assert.equal((capabilities[kind] as { subscribe?: boolean } | undefined)?.subscribe, undefined, `${kind}.subscribe`);
    }
    await assert.rejects(client.setLoggingLevel('info'), /method not found|not support/i);
  });

  it('answers the same capabilities to a 2026-07-28 server/discover', async () => {
    const res = await rawMcp(
      t.url,
      {
        jsonrpc: '2.0',
        id: 7,
        method: 'server/discover',
        params: { _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientCapabilities': {}, 'io.modelcontextprotocol/clientInfo': { name: 'e2e', version: '1' } } },
      },
      { authorization: `Bearer ${token}`, 'mcp-protocol-version': MODERN, 'mcp-method': 'server/discover' },
    );
    const text = await res.text();
    assert.equal(res.status, 200, text);
    const body = JSON.parse(text.startsWith('{') ? text : text.split('\n').find((l) => l.startsWith('data: '))!.slice(6));
    const capabilities = body.result.capabilities as Record<string, Record<string, unknown>>;
    assert.ok(capabilities.tools, text);
    assert.equal('logging' in capabilities, false, text);
    for (const kind of ['tools', 'resources', 'prompts']) assert.equal(capabilities[kind]?.listChanged, undefined, `${kind}: ${text}`);
  });

  it('lists an icon it serves itself, as a plain SVG nothing can run in', async () => {
    const info = client.getServerVersion() as { name: string; title?: string; icons?: Array<{ src: string; mimeType?: string; sizes?: string[] }> };
    assert.equal(info.title, 'OpenWork Cloud');
    assert.equal(info.icons?.length, 1);
    const icon = info.icons![0]!;
    assert.equal(icon.src, `${t.url}/icon.svg`);
    assert.equal(icon.mimeType, 'image/svg+xml');
    const res = await fetch(icon.src);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type')?.split(';')[0], 'image/svg+xml');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const svg = await res.text();
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.doesNotMatch(svg, /<script|on[a-z]+=|href=/i);
  });

  it('tells the agent how errors, references, pagination, invitations, prompts and toolsets work', () => {
    const instructions = client.getInstructions() ?? '';
    for (const part of [
      'get_current_identity',
      'permission_denied',
      'ambiguous_reference',
      'find_people',
      'update_invitation',
      'resend_invitation',
      'list_invitations shows delivery',
      'nextCursor',
      'isError',
      '{"error":{code,message,details,hint}}',
      'confirmation_required',
      'approvalId',
      'invite-teammate',
      `${t.url}/mcp/x/<toolsets>`,
      `${t.url}/mcp/readonly`,
    ]) {
      assert.ok(instructions.includes(part), `instructions mention ${part}`);
    }
    assert.doesNotMatch(instructions, /structuredContent/, 'errors are no longer structured content');
  });

  it('gives every tool a top-level title, not one hidden in the annotations', async () => {
    const { tools } = await client.listTools();
    assert.ok(tools.length >= 60);
    const titles = new Set<string>();
    for (const tool of tools) {
      assert.equal(typeof tool.title, 'string', tool.name);
      assert.ok(tool.title!.length >= 3 && tool.title!.length <= 40, `${tool.name}: ${tool.title}`);
      assert.equal(tool.annotations?.title, undefined, `${tool.name}: the title is not repeated in the annotations`);
      titles.add(tool.title!);
    }
    assert.equal(titles.size, tools.length, 'titles tell tools apart');
  });
});
