import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModulesContainer } from '@nestjs/core';
import { TOOL_DEFINITION, toolDefinition, type ToolDefinition } from '@app/access';
import { auditPermissions } from '@app/audit';
import { connectorPermissions } from '@app/connectors';
import { marketplacePermissions } from '@app/marketplaces';
import { memberPermissions } from '@app/members';
import { pluginPermissions } from '@app/plugins';
import { providerPermissions } from '@app/providers';
import { skillPermissions } from '@app/skills';
import { teamPermissions } from '@app/teams';
import { workerPermissions } from '@app/workers';
import { createOrg, createUser } from './support/fixtures.js';
import { connectWithToken, rawMcp } from './support/mcp.js';
import { ROOT, startTestApp, type TestApp } from './support/test-app.js';
import { mintAccess } from './support/tokens.js';

const NAME = /^[a-z]+(?:_[a-z0-9]+)+$/;
const HINTS = ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const;

type JsonSchema = { type?: string; properties?: Record<string, JsonSchema & { description?: string }>; anyOf?: JsonSchema[] };

describe('every registered tool follows the conventions', () => {
  let t: TestApp;
  let tools: Tool[];
  let readOnlyToken: string;
  before(async () => {
    t = await startTestApp();
    const owner = await createUser(t);
    const org = await createOrg(t, owner);
    const client = await connectWithToken(t.url, (await mintAccess(t, owner, org.id)).token);
    tools = (await client.listTools()).tools;
    await client.close();
    readOnlyToken = (await mintAccess(t, owner, org.id, 'mcp:read')).token;
  });
  after(() => t.close());

  it('declares each operation\'s permission once, in its library, where the tool and the use case both read it', () => {
    const declared: Record<string, string> = {
      ...auditPermissions, ...connectorPermissions, ...marketplacePermissions, ...memberPermissions, ...pluginPermissions,
      ...providerPermissions, ...skillPermissions, ...teamPermissions, ...workerPermissions,
    };
    const definitions: ToolDefinition[] = [];
    for (const module of t.app.get(ModulesContainer).values()) {
      for (const controller of module.controllers.values()) {
        const proto = (controller.metatype as { prototype?: Record<string, unknown> } | null)?.prototype;
        for (const key of proto ? Object.getOwnPropertyNames(proto) : []) {
          const definition = Reflect.getMetadata(TOOL_DEFINITION, proto![key] as object) as ToolDefinition | undefined;
          if (definition) definitions.push(definition);
        }
      }
    }
    assert.deepEqual(definitions.map((d) => d.name).sort(), tools.map((tool) => tool.name).sort());
    assert.deepEqual(Object.keys(declared).sort(), definitions.map((d) => d.name).sort(), 'one declaration per tool, none stale');
    for (const d of definitions) assert.equal(d.permission, declared[d.name], d.name);
    // Neither side writes a permission down itself: both name the declaration.
    const literal = /(permission: '|assertPermission\([^,]+, ')/;
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [join(dir, e.name)] : []));
    const offenders = walk(join(ROOT, 'libs')).filter((file) => literal.test(readFileSync(file, 'utf8')));
    assert.deepEqual(offenders.map((f) => f.slice(ROOT.length + 1)), []);
  });

  it('has a snake_case verb_noun name of at most 48 characters, a title, an agent-oriented description and all annotations', () => {
    assert.ok(tools.length > 0);
    for (const tool of tools) {
      assert.match(tool.name, NAME, `${tool.name}: snake_case verb_noun`);
      assert.ok(tool.name.length <= 48, `${tool.name}: at most 48 characters`);
      assert.ok((tool.description ?? '').length >= 40, `${tool.name}: a description written for an agent`);
      assert.ok(typeof tool.title === 'string' && tool.title.length > 0, `${tool.name}: a top-level title`);
      for (const hint of HINTS) assert.equal(typeof tool.annotations?.[hint], 'boolean', `${tool.name}: annotation ${hint}`);
      if (tool.annotations?.readOnlyHint) assert.equal(tool.annotations.destructiveHint, false, `${tool.name}: read-only tools are not destructive`);
    }
  });

  it('describes every input field and declares a success output schema without the error envelope or $schema', () => {
    for (const tool of tools) {
      assert.equal(tool.inputSchema.type, 'object', tool.name);
      for (const [field, schema] of Object.entries((tool.inputSchema as JsonSchema).properties ?? {})) {
        assert.ok((schema.description ?? '').length > 0, `${tool.name}.${field} has a description`);
      }
      const output = tool.outputSchema as JsonSchema | undefined;
      assert.ok(output, `${tool.name} has an output schema`);
      assert.equal(output.type, 'object', tool.name);
      assert.equal(output.anyOf, undefined, `${tool.name}: one success shape, no error branch`);
      assert.ok(Object.keys(output.properties ?? {}).length > 0, `${tool.name}: output has a success shape`);
      assert.equal(output.properties?.error, undefined, `${tool.name}: errors are not part of the output schema`);
      assert.doesNotMatch(JSON.stringify(tool), /"\$schema"/, `${tool.name}: no $schema`);
    }
  });

  it('declares the risk of every destructive tool and of each tool that widens access or changes permissions', () => {
    // Risk is declared beside the tool (McpToolOptions.risk); such a tool also accepts approvalId, which is
    // not advertised (the confirmation_required hint hands it over).
    const risky = (tool: Tool) => toolDefinition(tool.name)?.risk !== undefined;
    const destructive = tools.filter((tool) => tool.annotations?.destructiveHint);
    assert.ok(destructive.length > 0);
    for (const tool of destructive) assert.ok(risky(tool), `${tool.name}: destructiveHint tools declare their risk`);
    const mustBeRisky = [
      'remove_member', 'update_member_role', 'invite_member', 'create_role', 'update_role', 'update_allowed_email_domains',
      'grant_access', 'revoke_access', 'share_skill', 'unpublish_plugin', 'revoke_invitation', 'update_invitation', 'update_organization',
      ...tools.filter((tool) => tool.name.startsWith('delete_')).map((tool) => tool.name),
    ];
    for (const name of mustBeRisky) {
      const tool = tools.find((x) => x.name === name);
      assert.ok(tool, `${name} is registered`);
      assert.ok(risky(tool), `${name} declares its risk`);
    }
    for (const tool of tools.filter((x) => x.annotations?.readOnlyHint)) assert.ok(!risky(tool), `${tool.name}: read-only tools are never risky`);
    for (const tool of tools) assert.ok(!Object.hasOwn((tool.inputSchema as JsonSchema).properties ?? {}, 'approvalId'), `${tool.name}: approvalId is accepted, not advertised`);
  });

  it('hides tools a token\'s scopes cannot use and answers their calls with a step-up 403', async () => {
    const client = await connectWithToken(t.url, readOnlyToken);
    const visible = (await client.listTools()).tools.map((tool) => tool.name).sort();
    await client.close();
    const readOnly = tools.filter((tool) => tool.annotations?.readOnlyHint).map((tool) => tool.name).sort();
    assert.deepEqual(visible, readOnly);
    const mutating = tools.filter((x) => !x.annotations?.readOnlyHint);
    assert.ok(mutating.length > 0);
    for (const tool of mutating) {
      const res = await rawMcp(t.url, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: tool.name, arguments: {} } }, { authorization: `Bearer ${readOnlyToken}` });
      assert.equal(res.status, 403, tool.name);
      const challenge = res.headers.get('www-authenticate') ?? '';
      assert.match(challenge, /error="insufficient_scope"/, tool.name);
      assert.match(challenge, /scope="mcp:write"/, tool.name);
      assert.match(challenge, new RegExp(`resource_metadata="${t.url.replace(/[.]/g, '\\.')}/\\.well-known/oauth-protected-resource/mcp"`), tool.name);
    }
  });
});
