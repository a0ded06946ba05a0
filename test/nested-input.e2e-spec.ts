import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { FREE_FORM_MAX_DEPTH, FREE_FORM_MAX_JSON_CHARS, MAX_BODY_DEPTH, PrismaService } from '@app/shared';
import { createOrg, createUser } from './support/fixtures.js';
import { callTool, connectWithToken, toolError } from './support/mcp.js';
import { startTestApp, unique, type TestApp } from './support/test-app.js';
import { mintAccess } from './support/tokens.js';

type Shape = 'object' | 'array' | 'mixed';

// A value nested exactly `depth` levels of objects/arrays deep, built as text so no recursion is needed.
function nestedText(depth: number, shape: Shape, leaf = '1'): string {
  let open = '';
  let close = '';
  for (let level = 0; level < depth; level++) {
    const useObject = shape === 'object' || (shape === 'mixed' && level % 2 === 0);
    open += useObject ? '{"k":' : '[';
    close = (useObject ? '}' : ']') + close;
  }
  return open + leaf + close;
}

// A free-form object `depth` levels deep (the object itself is level 1).
function nestedConfig(depth: number, shape: Shape): Record<string, unknown> {
  return { k: JSON.parse(nestedText(depth - 1, shape)) as unknown };
}

describe('nested input: body depth, free-form object limits, secrets at every depth', () => {
  let t: TestApp;
  let token: string;
  let client: Client;
  let prisma: PrismaService;
  let orgId: string;

  before(async () => {
    t = await startTestApp();
    prisma = t.get(PrismaService);
    const owner = await createUser(t);
    const org = await createOrg(t, owner);
    orgId = org.id;
    token = (await mintAccess(t, owner, org.id)).token;
    client = await connectWithToken(t.url, token);
  });
  after(async () => {
    await client.close().catch(() => undefined);
    await t.close();
  });

  function postMcp(body: string): Promise<Response> {
    return fetch(`${t.url}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' },
      body,
    });
  }

  const toolCall = (argumentsText: string) =>
    `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"create_connector","arguments":${argumentsText}}}`;

  it('answers a body nested past the limit with 400 and a JSON-RPC error, never 5xx, for every shape and place', async () => {
    const bodies: [string, string][] = [];
    for (const shape of ['object', 'array', 'mixed'] as const) {
      for (const depth of [MAX_BODY_DEPTH + 1, 1_000, 100_000]) {
        bodies.push([`${shape} ${depth} bare`, nestedText(depth, shape)]);
        bodies.push([`${shape} ${depth} in arguments`, toolCall(`{"name":"deep","type":"github","config":{"a":${nestedText(depth, shape)}}}`)]);
        bodies.push([`${shape} ${depth} in a batch`, `[${toolCall(nestedText(depth, shape))}]`]);
      }
    }
    // Unbalanced and truncated deep input is a parse error.
    bodies.push(['unterminated', '['.repeat(50_000)]);
    bodies.push(['closing only', ']'.repeat(50_000)]);
    for (const [label, body] of bodies) {
      const res = await postMcp(body);
      assert.equal(res.status, 400, `${label}: HTTP ${res.status}`);
      const answer = (await res.json()) as { jsonrpc: string; id: null; error: { code: number; message: string } };
      assert.equal(answer.jsonrpc, '2.0', label);
      assert.ok([-32700, -32600].includes(answer.error.code), `${label}: code ${answer.error.code}`);
    }
    assert.equal(await prisma.connector.count({ where: { orgId } }), 0);
  });

  it('does not count brackets inside strings, and lets a body right at the limit through to the tool', async () => {
    const bracketsInText = `{"name":"${unique('Brackets ')}","type":"github","config":{"note":"${'[{'.repeat(5_000)}"}}`;
    const res = await postMcp(toolCall(bracketsInText));
    assert.equal(res.status, 200);
    const result = ((await res.json()) as { result: { isError?: boolean } }).result;
    assert.notEqual(result.isError, true);

    // The envelope takes 3 levels ({}, params, arguments); the rest sits in config.
    const atLimit = toolCall(`{"name":"x","type":"github","config":${nestedText(MAX_BODY_DEPTH - 3, 'mixed')}}`);
    const answered = await postMcp(atLimit);
    assert.equal(answered.status, 200);
    const body = (await answered.json()) as { result: { isError: boolean; content: { text: string }[] } };
    assert.equal(body.result.isError, true);
    assert.equal((JSON.parse(body.result.content[0]!.text) as { error: { code: string } }).error.code, 'invalid_input');
  });

  it('other JSON endpoints refuse a deep body with 400 in their own error shape', async () => {
    for (const body of [nestedText(100_000, 'array'), `{"client_name":"x","redirect_uris":${nestedText(MAX_BODY_DEPTH + 1, 'array', '"http://127.0.0.1:7000/cb"')}}`]) {
      const res = await fetch(`${t.url}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_request');
    }
  });

  it(`free-form objects accept ${FREE_FORM_MAX_DEPTH} levels and refuse ${FREE_FORM_MAX_DEPTH + 1} with invalid_input, for objects, arrays and mixed`, async () => {
    for (const shape of ['object', 'array', 'mixed'] as const) {
      const ok = await callTool<{ id: string; config: unknown }>(client, 'create_connector', { name: unique(`Deep ${shape} `), type: 'github', config: nestedConfig(FREE_FORM_MAX_DEPTH, shape) });
      assert.equal(ok.isError, false, `${shape} at the limit: ${ok.isError ? toolError(ok.result).message : ''}`);
      assert.deepEqual(ok.data.config, nestedConfig(FREE_FORM_MAX_DEPTH, shape));

      for (const depth of [FREE_FORM_MAX_DEPTH + 1, FREE_FORM_MAX_DEPTH + 5, 40]) {
        const name = unique('Too deep ');
        const refused = await callTool(client, 'create_connector', { name, type: 'github', config: nestedConfig(depth, shape) });
        assert.equal(toolError(refused.result).code, 'invalid_input', `${shape} ${depth}`);
        assert.equal((toolError(refused.result).details.fields as { path: string }[])[0]!.path, 'config');
        assert.equal(await prisma.connector.count({ where: { orgId, name } }), 0);

        const update = await callTool(client, 'update_connector', { connectorId: ok.data.id, config: nestedConfig(depth, shape) });
        assert.equal(toolError(update.result).code, 'invalid_input', `update ${shape} ${depth}`);
        const metadata = await callTool(client, 'create_config_object', { type: 'agent', name: unique('Agent '), content: 'x', metadata: nestedConfig(depth, shape) });
        assert.equal(toolError(metadata.result).code, 'invalid_input', `metadata ${shape} ${depth}`);
      }
      const stored = await prisma.connector.findUniqueOrThrow({ where: { id: ok.data.id } });
      assert.deepEqual(stored.config, nestedConfig(FREE_FORM_MAX_DEPTH, shape));
    }
  });

  it(`free-form objects refuse more than ${FREE_FORM_MAX_JSON_CHARS} characters of JSON however it is spread, and long keys`, async () => {
    const wide = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, 'v']));
    const wideArray = { items: Array.from({ length: 12_000 }, () => 0) };
    const longValue = { text: 'x'.repeat(FREE_FORM_MAX_JSON_CHARS) };
    const deepAndWide = { a: { b: { c: Array.from({ length: 3_000 }, (_, i) => ({ [`n${i}`]: i })) } } };
    const longKey = { ['k'.repeat(101)]: 1 };
    const longNestedKey = { outer: [{ ['k'.repeat(101)]: 1 }] };
    for (const config of [wide, wideArray, longValue, deepAndWide, longKey, longNestedKey]) {
      const refused = await callTool(client, 'create_connector', { name: unique('Wide '), type: 'github', config });
      assert.equal(toolError(refused.result).code, 'invalid_input', JSON.stringify(config).slice(0, 60));
      const metadata = await callTool(client, 'create_config_object', { type: 'agent', name: unique('Agent '), content: 'x', metadata: config });
      assert.equal(toolError(metadata.result).code, 'invalid_input');
    }
    const justUnder = { text: 'x'.repeat(FREE_FORM_MAX_JSON_CHARS - 20) };
    assert.equal((await callTool(client, 'create_connector', { name: unique('Under '), type: 'github', config: justUnder })).isError, false);
  });

  it('worker runtime stays flat: any nesting is invalid_input', async () => {
    for (const runtime of [{ a: { b: 1 } }, { a: [1] }, { a: JSON.parse(nestedText(30, 'mixed')) as unknown }]) {
      const refused = await callTool(client, 'create_worker', { name: unique('Worker '), runtime });
      assert.equal(toolError(refused.result).code, 'invalid_input');
    }
  });

  // Every spelling of a credential key, placed at every kind of position in the config.
  const SECRET_KEYS = [
    'apiKey', 'api_key', 'API-KEY', 'Api Key', 'x-api-key', 'API.KEY', 'ApiKey', 'APIKEY',
    'ａｐｉ＿ｋｅｙ', 'api\u200bkey', 'api\u00adkey',
    'token', 'accessToken', 'ACCESS_TOKEN', 'refresh-token', 'botToken',
    'password', 'Password', 'PASSWD', 'pass_word', 'db.password', 'pwd', 'passphrase',
    'secret', 'clientSecret', 'CLIENT_SECRET', 'client-secret', 'webhookSecret',
    'privateKey', 'private_key', 'PRIVATE-KEY', 'credentials', 'Credential',
    'authorization', 'Authorization', 'auth', 'bearer', 'cookie', 'sessionId', 'signing_key', 'aws_secret_access_key',
  ];
  const PLACES: [string, (key: string) => Record<string, unknown>][] = [
    ['top level', (key) => ({ [key]: 'value' })],
    ['nested object', (key) => ({ http: { [key]: 'value' } })],
    ['deep object', (key) => ({ a: { b: { c: { d: { e: { [key]: 'value' } } } } } })],
    ['object in array', (key) => ({ servers: [{ name: 'a' }, { [key]: 'value' }] })],
    ['array in array', (key) => ({ matrix: [[{ region: 'eu' }], [{ [key]: 'value' }]] })],
    ['object holding a secret object', (key) => ({ headers: { [key]: { value: 'v' } } })],
  ];

  it('refuses secret-looking keys in connector config at every depth and spelling, on create and update', async () => {
    const existing = await callTool<{ id: string }>(client, 'create_connector', { name: unique('Plain '), type: 'github', config: { org: 'acme' } });
    for (const key of SECRET_KEYS) {
      for (const [place, build] of PLACES) {
        const name = unique('Secret ');
        const created = await callTool(client, 'create_connector', { name, type: 'github', config: build(key) });
        assert.equal(created.isError, true, `create: ${JSON.stringify(key)} at ${place} must be refused`);
        assert.equal(toolError(created.result).code, 'invalid_input');
        assert.match(toolError(created.result).hint ?? '', /credentials/);
        assert.equal(await prisma.connector.count({ where: { orgId, name } }), 0);

        const updated = await callTool(client, 'update_connector', { connectorId: existing.data.id, config: build(key) });
        assert.equal(toolError(updated.result).code, 'invalid_input', `update: ${JSON.stringify(key)} at ${place}`);
      }
    }
    const stored = await prisma.connector.findUniqueOrThrow({ where: { id: existing.data.id } });
    assert.deepEqual(stored.config, { org: 'acme' });
  });

  it('names the offending path, and keeps accepting ordinary nested settings', async () => {
    const refused = await callTool(client, 'create_connector', { name: unique('Path '), type: 'slack', config: { channels: [{ name: 'a' }, { name: 'b', webhook: { signingSecret: 'x' } }] } });
    const fields = toolError(refused.result).details.fields as { path: string }[];
    assert.equal(fields[0]!.path, 'config.channels[1].webhook.signingSecret');

    const ordinary = {
      workspace: 'acme',
      baseUrl: 'https://api.example.com',
      retry: { attempts: 3, backoff: [1, 2, 4] },
      channels: [{ name: 'general', notify: true }, { name: 'random', tags: ['a', 'b'] }],
      keyboardLayout: 'us',
      monkey: 'business',
      author: 'Ada',
    };
    const accepted = await callTool<{ config: unknown }>(client, 'create_connector', { name: unique('Ordinary '), type: 'slack', config: ordinary });
    assert.equal(accepted.isError, false, accepted.isError ? toolError(accepted.result).message : '');
  });
});
