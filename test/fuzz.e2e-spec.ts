import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Account } from '@app/identity';
import { PrismaService } from '@app/shared';
import { addMember, createOrg, createUser, skillMd } from './support/fixtures.js';
import { connectWithToken, ok } from './support/mcp.js';
import { Browser, formWithButton, registerClient } from './support/oauth-flow.js';
import { startTestApp, unique, type TestApp } from './support/test-app.js';
import { mintAccess } from './support/tokens.js';

// Property-based hostile input through the real HTTP stack. Case counts are printed so a run shows how
// much was tried; FUZZ_RUNS scales them (default keeps the file well under a minute).
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);
const RUNS_PER_TOOL = Math.max(5, Math.round(20 * SCALE));
const RUNS_PER_ENDPOINT = Math.max(20, Math.round(200 * SCALE));

// What must never reach a caller: stack frames, source paths, ORM or SQL error text.
const INTERNALS = /\n\s+at |\bat [\w.<>]+ \(|node_modules|\/work\/|\/dist\/|\.(?:ts|js):\d+|PrismaClient|Invalid `prisma|prisma\.\w+\.\w+\(|duplicate key|violates|relation "|syntax error at|ECONNREFUSED|TypeError|ReferenceError/;

interface ToolInfo {
  name: string;
  inputSchema: { properties?: Record<string, JsonSchema>; required?: string[] };
  annotations?: { readOnlyHint?: boolean };
}
interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
}
interface ToolError {
  code: string;
  message: string;
  details?: unknown;
  hint?: unknown;
}

/** One JSON-RPC POST to /mcp; the answer may come as JSON or as one SSE event. */
async function mcpPost(t: TestApp, token: string, body: unknown): Promise<{ status: number; text: string; message: Record<string, any> | null }> {
  const res = await fetch(`${t.url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let message: Record<string, any> | null = null;
  const payload = (res.headers.get('content-type') ?? '').includes('text/event-stream')
    ? text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('')
    : text;
  try {
    message = payload ? JSON.parse(payload) : null;
  } catch {
    message = null;
  }
  return { status: res.status, text, message };
}

function assertNoInternals(where: string, text: string): void {
  const leak = INTERNALS.exec(text);
  assert.equal(leak, null, `${where} leaked internals (${leak?.[0]}): ${text.slice(0, 600)}`);
}

/** The envelope of an error result (JSON text content, no structured content), or undefined if it has none. */
function errorOf(result: { structuredContent?: unknown; content?: Array<{ type: string; text?: string }> }): ToolError | undefined {
  if (result.structuredContent !== undefined) return undefined;
  const text = result.content?.find((item) => item.type === 'text')?.text;
  try {
    return text === undefined ? undefined : (JSON.parse(text) as { error?: ToolError }).error;
  } catch {
    return undefined;
  }
}

function assertStructuredError(where: string, error: ToolError | undefined): asserts error is ToolError {
  assert.ok(error && typeof error.code === 'string' && typeof error.message === 'string', `${where}: no structured error`);
  // An unexpected failure is a bug the fuzzer found, not an answer.
  assert.notEqual(error.code, 'internal_error', `${where}: ${error.message}`);
}

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    "' OR 1=1 --",
    '"; DROP TABLE "Membership"; --',
    '../../../../etc/passwd',
    '%00',
    '${jndi:ldap://x}',
    '<script>alert(1)</script>',
    '{{7*7}}',
    '__proto__',
    'constructor',
    '00000000-0000-0000-0000-000000000000',
    '019a0000-0000-7000-8000-000000000000',
    'not-a-uuid',
    '-1',
    '1e309',
    'owner',
    'x@',
    '@example.com',
    'a'.repeat(300),
  ),
  fc.integer({ min: 1000, max: 70_000 }).map((n) => 'x'.repeat(n)),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 31, Number.MAX_SAFE_INTEGER, -1e308, [], {}, [null], { $gt: '' }) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }) },
);

/**
 * Arguments shaped like the tool's schema (its own field names) but with wrong, odd or huge values. A
 * reference field sometimes gets the other organization's object of its kind; other fields never do, or a
 * name written here (a team renamed to a foreign id) would later be found by that name as our own object.
 */
function argumentsFor(tool: ToolInfo, foreignIds: Record<string, string>): fc.Arbitrary<unknown> {
  const names = Object.keys(tool.inputSchema.properties ?? {});
  const valueFor = (name: string) =>
    foreignIds[name] ? fc.oneof({ weight: 6, arbitrary: hostileValue }, { weight: 1, arbitrary: fc.constant(foreignIds[name]) }) : hostileValue;
  const shaped = names.length
    ? fc.record(Object.fromEntries(names.map((n) => [n, valueFor(n)])), { requiredKeys: [] })
    : fc.constant({});
  return fc.oneof(
    { weight: 5, arbitrary: shaped },
    { weight: 1, arbitrary: fc.tuple(shaped, fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), hostileValue, { maxKeys: 3 })).map(([a, b]) => ({ ...b, ...a })) },
    { weight: 2, arbitrary: fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );
}

/**
 * The organization's rows in every tenant table (count and content digest): what a rejected call must
 * leave exactly as it was.
 * Scoped to the organization because on PostgreSQL other suites write to the same database meanwhile.
 */
async function rowCounts(t: TestApp, orgId: string): Promise<Record<string, string>> {
  const prisma = t.get(PrismaService);
  const tables = await prisma.$queryRawUnsafe<{ table_name: string }[]>(
    `SELECT c.table_name FROM information_schema.columns c JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
     WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.column_name = 'orgId' ORDER BY c.table_name`,
  );
  const state: Record<string, string> = {};
  for (const { table_name } of tables) {
    const table = table_name.replaceAll('"', '');
    // Rows and their content; grants only by count (the access recheck notes when each was last used).
    const digest = table === 'Grant' ? `''` : `md5(coalesce(string_agg(row_to_json(x)::text, ',' ORDER BY row_to_json(x)::text), ''))`;
    const [row] = await prisma.$queryRawUnsafe<{ n: bigint | number; h: string }[]>(`SELECT count(*) AS n, ${digest} AS h FROM "${table}" x WHERE "orgId" = $1`, orgId);
    state[table] = `${Number(row!.n)} ${row!.h}`;
  }
  const [org] = await prisma.$queryRawUnsafe<{ h: string }[]>(`SELECT md5(row_to_json(o)::text) AS h FROM "Organization" o WHERE id = $1`, orgId);
  state.Organization = org!.h;
  return state;
}

interface SeededOrg {
  orgId: string;
  /** Real ids of the organization's objects, by the tool field that takes them (noun and older …Id forms). */
  ids: Record<string, string>;
  /** Their names, by the same fields: reference fields take a name as well as an id. */
  names: Record<string, string>;
}

// The older …Id form of each reference field.
const LEGACY_FIELD: Record<string, string> = {
  skill: 'skillId',
  configObject: 'configObjectId',
  plugin: 'pluginId',
  marketplace: 'marketplaceId',
  resource: 'resourceId',
  team: 'teamId',
  member: 'membershipId',
  worker: 'workerId',
  connector: 'connectorId',
  provider: 'providerId',
  invitation: 'invitationId',
};

/** One object of every kind, each named, in the given organization. */
async function seedOrg(t: TestApp, owner: Account, org: { id: string; slug: string }): Promise<SeededOrg> {
  const member = await createUser(t, { name: unique('Other Member ') });
  await addMember(t, org.slug, member, 'member');
  const client: Client = await connectWithToken(t.url, (await mintAccess(t, owner, org.id)).token);
  const prisma = t.get(PrismaService);
  const membership = await prisma.membership.findUniqueOrThrow({ where: { orgId_userId: { orgId: org.id, userId: member.id } } });
  const team = await ok(client, 'create_team', { name: unique('Other team ') });
  await ok(client, 'add_team_member', { team: team.id, member: membership.id });
  const role = await ok(client, 'create_role', { name: unique('Other role '), permissions: ['members:read'] });
  const invited = await ok(client, 'invite_member', { email: `${unique('inv')}@example.com` });
  const skill = await ok(client, 'create_skill', { content: skillMd(unique('other-skill-').toLowerCase()) });
  const config = await ok(client, 'create_config_object', { type: 'agent', name: unique('other-agent'), content: 'x' });
  const plugin = await ok(client, 'create_plugin', { name: unique('other-plugin-') });
  await ok(client, 'add_plugin_component', { pluginId: plugin.id, configObjectId: config.id });
  const marketplace = await ok(client, 'create_marketplace', { name: unique('Other market ') });
  await ok(client, 'publish_plugin', { marketplaceId: marketplace.id, pluginId: plugin.id });
  const grant = await ok(client, 'grant_access', { resourceType: 'plugin', resourceId: plugin.id, subjectType: 'org', role: 'viewer' });
  const worker = await ok(client, 'create_worker', { name: unique('other-worker') });
  const connector = await ok(client, 'create_connector', { name: unique('Other conn '), type: 'github', credentials: 'ghp_secretvalue1234' });
  const provider = await ok(client, 'create_llm_provider', { name: unique('Other llm '), kind: 'openai', apiKey: 'sk-secretvalue5678' });
  await client.close();
  const byNoun = {
    member: [membership.id, member.email],
    team: [team.id, team.name],
    role: [role.id, role.name],
    invitation: [invited.invitation.id, invited.invitation.email],
    skill: [skill.id, skill.name],
    configObject: [config.id, config.name],
    plugin: [plugin.id, plugin.name],
    marketplace: [marketplace.id, marketplace.name],
    resource: [plugin.id, plugin.name],
    worker: [worker.id, worker.name],
    connector: [connector.id, connector.name],
    provider: [provider.id, provider.name],
  } as Record<string, [string, string]>;
  const ids: Record<string, string> = { grantId: grant.id, actor: membership.id, teams: team.id, addTeams: team.id, removeTeams: team.id };
  const names: Record<string, string> = { actor: member.name, teams: team.name, addTeams: team.name, removeTeams: team.name };
  for (const [noun, [id, name]] of Object.entries(byNoun)) {
    ids[noun] = id;
    names[noun] = name;
    const legacy = LEGACY_FIELD[noun];
    if (legacy) {
      ids[legacy] = id;
      names[legacy] = name;
    }
  }
  return { orgId: org.id, ids, names };
}

describe('hostile input', () => {
  let t: TestApp;
  let token: string;
  let orgId: string;
  let tools: ToolInfo[];
  let foreign: SeededOrg;
  // The organization under test holds one object of every kind too, so a reference the sweep does not
  // test can name one of its own and the refusal comes from the field under test.
  let own: SeededOrg;
  let rpcId = 1;
  // A real registered client, so some cases reach further than the parsers.
  let clientId: string;
  const cases = { tools: 0, toolCallsAccepted: 0, protocol: 0, oauth: 0, isolation: 0 };

  before(async () => {
    // Over a thousand calls on one grant: the per-grant budget is not what this suite tests.
    t = await startTestApp({ env: { LOG_LEVEL: 'fatal', MCP_REQUESTS_PER_MINUTE: '1000000' } });
    const owner = await createUser(t, { name: 'Fuzz Owner' });
    const org = await createOrg(t, owner, { seats: 1000 });
    orgId = org.id;
    token = (await mintAccess(t, owner, org.id)).token;
    own = await seedOrg(t, owner, org);
    const otherOwner = await createUser(t, { name: 'Other Owner' });
    foreign = await seedOrg(t, otherOwner, await createOrg(t, otherOwner, { seats: 20 }));
    ({ clientId } = await registerClient(t));
    const listed = await mcpPost(t, token, { jsonrpc: '2.0', id: rpcId++, method: 'tools/list' });
    assert.equal(listed.status, 200);
    tools = listed.message!.result.tools;
    assert.ok(tools.length >= 50, `expected the whole catalogue, got ${tools.length} tools`);
  });
  after(async () => {
    console.log(`fuzz cases: ${JSON.stringify(cases)}`);
    await t.close();
  });

  async function callTool(name: string, args: unknown) {
    const res = await mcpPost(t, token, { jsonrpc: '2.0', id: rpcId++, method: 'tools/call', params: { name, arguments: args } });
    const where = `${name}(${JSON.stringify(args)?.slice(0, 200)})`;
    assert.ok(res.status < 500, `${where}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
    assertNoInternals(where, res.text);
    return { ...res, where };
  }

  it('every tool: arbitrary and schema-shaped wrong arguments give structured errors and change nothing', async () => {
    const prisma = t.get(PrismaService);
    for (const tool of tools) {
      const relevant = Object.fromEntries(Object.keys(tool.inputSchema.properties ?? {}).flatMap((k) => (foreign.ids[k] ? [[k, foreign.ids[k]]] : [])));
      const relevantIds = Object.values(relevant);
      // Read-only tools are held to the audit count below; the full snapshot is for tools that can write.
      const countsBefore = tool.annotations?.readOnlyHint ? null : await rowCounts(t, orgId);
      const auditBefore = await prisma.auditEvent.count({ where: { orgId } });
      let acceptedWrites = 0;
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(argumentsFor(tool, relevant), async (args) => {
          cases.tools++;
          const res = await callTool(tool.name, args);
          const { message } = res;
          assert.ok(message, `${res.where}: no JSON-RPC answer`);
          if (message.error) {
            // Arguments that are not an object are refused by the protocol layer.
            assert.equal(typeof message.error.code, 'number', res.where);
            return;
          }
          const result = message.result;
          if (result.isError) {
            assertStructuredError(res.where, errorOf(result));
            // Nothing about another organization's object may come back in an error either.
            assert.ok(!res.text.includes(foreign.orgId), `${res.where}: the error mentions another organization`);
            return;
          }
          accepted++;
          if (!tool.annotations?.readOnlyHint) acceptedWrites++;
          // Whatever was accepted never touched the other organization.
          assert.ok(!res.text.includes(foreign.orgId), `${res.where} returned another organization's data`);
          for (const id of relevantIds) assert.ok(!res.text.includes(id), `${res.where} returned another organization's object ${id}`);
        }),
        { numRuns: RUNS_PER_TOOL },
      );
      cases.toolCallsAccepted += accepted;
      // Each accepted mutation writes exactly one audit event; rejected calls write none and no rows.
      assert.equal(await prisma.auditEvent.count({ where: { orgId } }), auditBefore + acceptedWrites, `${tool.name}: audit events vs accepted writes`);
      if (countsBefore && acceptedWrites === 0) assert.deepEqual(await rowCounts(t, orgId), countsBefore, `${tool.name}: rejected input changed rows`);
    }
  });

  it('the JSON-RPC layer: unknown tools, odd params and methods never fail the server', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          method: fc.oneof(fc.constantFrom('tools/call', 'tools/list', 'resources/list', 'prompts/get', 'initialize', 'ping', 'notifications/initialized'), fc.string({ maxLength: 20 })),
          params: fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 3 }), fc.record({ name: fc.oneof(hostileString, fc.constantFrom(...tools.map((x) => x.name))), arguments: fc.jsonValue({ maxDepth: 2 }) })),
          id: fc.oneof(fc.integer(), fc.string({ maxLength: 10 }), fc.constant(null)),
        }),
        async (body) => {
          cases.protocol++;
          const res = await mcpPost(t, token, { jsonrpc: '2.0', ...body });
          assert.ok(res.status < 500, `${JSON.stringify(body).slice(0, 200)}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
          assertNoInternals(JSON.stringify(body).slice(0, 200), res.text);
        },
      ),
      { numRuns: RUNS_PER_ENDPOINT },
    );
  });

  it("tenant isolation: every reference field answers not_found for another organization's objects, by id and by name", async () => {
    const fillers: Record<string, unknown> = {
      role: 'member',
      email: 'someone@example.com',
      name: 'x',
      content: 'x',
      type: 'agent',
      kind: 'openai',
      resourceType: 'plugin',
      subjectType: 'org',
    };
    // The other references a tool needs besides the one under test: our own objects, so the refusal can
    // only come from the field under test.
    const companions: Record<string, string[]> = {
      publish_plugin: ['marketplace', 'plugin'],
      unpublish_plugin: ['marketplace', 'plugin'],
      add_plugin_component: ['plugin', 'configObject'],
      remove_plugin_component: ['plugin', 'configObject'],
      grant_access: ['resource'],
      list_access_grants: ['resource'],
      share_skill: ['skill'],
    };
    const slotOf = (field: string) => Object.entries(LEGACY_FIELD).find(([noun, legacy]) => field === noun || field === legacy)?.[0] ?? field;
    const foreignNames = [...new Set(Object.values(foreign.names))];
    let swept = 0;
    for (const tool of tools) {
      const properties = tool.inputSchema.properties ?? {};
      const idFields = Object.keys(properties).filter((k) => foreign.ids[k] && !(k === 'role' && !/role/.test(tool.name)));
      for (const field of idFields) {
        // Every reference field is swept with the other organization's id and with its name.
        for (const value of [foreign.ids[field]!, foreign.names[field]].filter((v): v is string => Boolean(v))) {
          const args: Record<string, unknown> = {};
          for (const required of tool.inputSchema.required ?? []) args[required] = own.ids[required] ?? fillers[required] ?? 'x';
          for (const slot of companions[tool.name] ?? []) if (slot !== slotOf(field)) args[slot] = own.ids[slot];
          if (tool.name === 'grant_access') args.subjectType = slotOf(field) === 'team' ? 'team' : slotOf(field) === 'member' ? 'member' : 'org';
          if (tool.name === 'list_access_grants' || tool.name === 'grant_access') args.resourceType = 'plugin';
          const isList = properties[field]?.type === 'array';
          args[field] = isList ? [value] : value;
          cases.isolation++;
          swept++;
          const res = await callTool(tool.name, args);
          const result = res.message?.result;
          assert.ok(result, `${res.where}: no result`);
          assert.ok(!res.text.includes(foreign.orgId), `${res.where} mentions the other organization`);
          // Suggestions and candidates come from the caller's organization only.
          for (const other of foreignNames) if (!value.includes(other)) assert.ok(!res.text.includes(other), `${res.where} mentions another organization's ${other}`);
          if (result.isError) {
            const error = errorOf(result);
            assertStructuredError(res.where, error);
            assert.equal(error?.code, 'not_found', `${res.where}: ${res.text.slice(0, 300)}`);
            continue;
          }
          // A list filtered by a foreign id may answer like a filter by an id that exists nowhere: an empty
          // page, exactly what an unknown id gives. Anything else is a leak.
          assert.ok(/^list_/.test(tool.name), `${res.where} succeeded across organizations: ${res.text.slice(0, 300)}`);
          assert.deepEqual(result.structuredContent, { items: [], nextCursor: null }, `${res.where} returned data across organizations`);
          const unknown = await callTool(tool.name, { ...args, [field]: isList ? [randomUUID()] : randomUUID() });
          assert.deepEqual(unknown.message?.result?.structuredContent, result.structuredContent, `${res.where}: a foreign id is told apart from an unknown one`);
        }
      }
    }
    assert.ok(swept >= 100, `only ${swept} reference fields swept`);
  });

  describe('OAuth endpoints', () => {
    const contentTypes = fc.constantFrom(
      'application/x-www-form-urlencoded',
      'application/json',
      'text/plain',
      'multipart/form-data; boundary=xyz',
      'application/json; charset=utf-16',
      'application/x-www-form-urlencoded; charset=latin1',
      'application/xml',
      '',
      '*/*',
      'garbage/\u00ff',
    );
    const formish = fc.dictionary(
      fc.oneof(fc.constantFrom('grant_type', 'client_id', 'code', 'redirect_uri', 'code_verifier', 'refresh_token', 'token', 'token_type_hint', 'resource', 'scope', 'subject_token', 'subject_token_type', 'org', 'email', 'password', 'csrf', 'return_to', 'redirect_uris', 'client_name'), fc.string({ maxLength: 10 })),
      fc.oneof(hostileString, fc.constantFrom('authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:token-exchange', 'openwork-desktop', 'http://127.0.0.1:1/cb')),
      { maxKeys: 8 },
    );
    const body = fc.oneof(
      formish.map((f) => new URLSearchParams(f as Record<string, string>).toString()),
      formish.map((f) => JSON.stringify(f)),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.constantFrom('{', '[]', 'null', '%', 'a=%E0%A4%A', 'a[b][c][d]=1', 'grant_type=refresh_token&grant_type=refresh_token', '\u0000'),
      fc.integer({ min: 70_000, max: 1_200_000 }).map((n) => `client_name=${'x'.repeat(n)}`),
    );
    const headers = fc.dictionary(
      fc.constantFrom('x-forwarded-for', 'cookie', 'authorization', 'origin', 'accept', 'x-forwarded-proto', 'host-override', 'dpop', 'content-encoding'),
      fc.oneof(fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }), fc.constantFrom('1.2.3.4, 127.0.0.1', 'Basic Og==', 'Bearer x', 'gzip', 'null', 'owmcp_session=x; owmcp_csrf=y')),
      { maxKeys: 3 },
    );

    async function assertSafe(where: string, res: Response) {
      const text = await res.text();
      assert.ok(res.status < 500, `${where}: HTTP ${res.status} ${text.slice(0, 300)}`);
      assertNoInternals(where, text);
    }

    for (const path of ['/oauth/register', '/oauth/token', '/oauth/revoke', '/sign-in']) {
      it(`POST ${path}: arbitrary bodies, content types and headers never fail the server or leak internals`, async () => {
        await fc.assert(
          fc.asyncProperty(body, contentTypes, headers, fc.boolean(), async (payload, contentType, extra, withClient) => {
            cases.oauth++;
            const sent = withClient && payload.includes('=') && !payload.startsWith('{') ? `${payload}&client_id=${clientId}` : payload;
            const res = await fetch(`${t.url}${path}`, {
              method: 'POST',
              redirect: 'manual',
              headers: { ...extra, ...(contentType && { 'content-type': contentType }) },
              body: sent,
            });
            await assertSafe(`${path} ${contentType} ${sent.slice(0, 120)}`, res);
          }),
          { numRuns: RUNS_PER_ENDPOINT },
        );
      });
    }

    // Near-valid requests get past the parsers and the first checks, down to the database.
    const address = () => `10.${[...randomBytes(3)].join('.')}`;
    const hostileOrValid = (valid: unknown) => fc.oneof({ weight: 1, arbitrary: fc.constant(valid) }, { weight: 2, arbitrary: hostileValue });

    it('POST /oauth/register: valid metadata with hostile fields never fails the server', async () => {
      const valid = {
        client_name: 'Fuzz client',
        redirect_uris: ['http://127.0.0.1:9/cb'],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: 'mcp:read',
        client_uri: 'https://example.com',
        logo_uri: 'https://example.com/logo.png',
        software_id: 'fuzz',
        software_version: '1',
        contacts: ['a@example.com'],
      };
      const metadata = fc.record(
        Object.fromEntries(Object.entries(valid).map(([k, v]) => [k, k === 'redirect_uris' ? fc.oneof(fc.constant(v), fc.array(hostileString, { maxLength: 3 }), hostileValue) : hostileOrValid(v)])),
        { requiredKeys: ['redirect_uris'] },
      );
      await fc.assert(
        fc.asyncProperty(metadata, async (body) => {
          cases.oauth++;
          const res = await fetch(`${t.url}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': address() }, body: JSON.stringify(body) });
          await assertSafe(`/oauth/register ${JSON.stringify(body).slice(0, 150)}`, res);
        }),
        { numRuns: RUNS_PER_ENDPOINT },
      );
    });

    it('POST /oauth/token: well-formed grants with hostile values never fail the server', async () => {
      const params = fc.record({
        grant_type: fc.constantFrom('authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:token-exchange'),
        client_id: fc.oneof(fc.constant(clientId), fc.constant('openwork-desktop'), hostileString),
        code: hostileString,
        redirect_uri: hostileOrValid('http://127.0.0.1:8976/callback'),
        code_verifier: hostileString,
        refresh_token: hostileString,
        subject_token: hostileString,
        subject_token_type: hostileOrValid('urn:openwork:params:oauth:token-type:session'),
        org: hostileString,
        scope: hostileOrValid('mcp:read'),
        resource: hostileOrValid(`${t.url}/mcp`),
      }, { requiredKeys: ['grant_type', 'client_id'] });
      await fc.assert(
        fc.asyncProperty(params, async (p) => {
          cases.oauth++;
          const form = new URLSearchParams(Object.entries(p).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
          const res = await fetch(`${t.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': address() }, body: form.toString() });
          await assertSafe(`/oauth/token ${form.toString().slice(0, 150)}`, res);
        }),
        { numRuns: RUNS_PER_ENDPOINT },
      );
    });

    it('POST /sign-in with a valid CSRF token and hostile credentials never fails the server', async () => {
      const browser = new Browser(t.url);
      const form = formWithButton(await (await browser.get('/sign-in')).text(), 'Sign in');
      await fc.assert(
        fc.asyncProperty(hostileString, hostileString, fc.option(hostileString), async (email, password, returnTo) => {
          cases.oauth++;
          const fields: Record<string, string> = { ...form.hidden, email, password };
          if (returnTo !== null) fields.return_to = returnTo;
          const res = await browser.post(form.action, fields, { 'x-forwarded-for': address() });
          await assertSafe(`/sign-in ${JSON.stringify({ email, password }).slice(0, 150)}`, res);
          if (res.status === 303) assert.match(res.headers.get('location') ?? '', /^\//);
        }),
        { numRuns: RUNS_PER_ENDPOINT },
      );
    });

    it('GET /oauth/authorize: arbitrary query parameters never fail the server or leak internals', async () => {
      await fc.assert(
        fc.asyncProperty(formish, fc.boolean(), headers, async (query, withClient, extra) => {
          cases.oauth++;
          const params = new URLSearchParams(query as Record<string, string>);
          if (withClient) {
            params.set('client_id', clientId);
            params.set('response_type', 'code');
          }
          const res = await fetch(`${t.url}/oauth/authorize?${params}`, { redirect: 'manual', headers: extra });
          await assertSafe(`/oauth/authorize?${params.toString().slice(0, 150)}`, res);
          // An error page or a redirect back to a registered loopback URI or to our own pages; never elsewhere.
          const location = res.headers.get('location');
          if (location) assert.match(location, /^(\/|http:\/\/127\.0\.0\.1:8976\/callback\?)/, location);
        }),
        { numRuns: RUNS_PER_ENDPOINT },
      );
    });
  });
});
