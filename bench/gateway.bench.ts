// Full gateway vs a bare MCP server on the same machine and database, in one run.
// The bare server runs the same database query a gateway request runs (the access check, which also
// reads what get_current_identity reports), with no authentication, Nest or recheck logic around it.
import { createServer, type IncomingMessage } from 'node:http';
import { McpServer } from '@modelcontextprotocol/server';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { z } from 'zod';
import { AccessRecheckQuery, PrincipalResolver } from '@app/access';
import { createOrg, createUser } from '../test/support/fixtures.js';
import { freePort, startTestApp } from '../test/support/test-app.js';
import { mintAccess } from '../test/support/tokens.js';
import { fmt, load, percentile } from './support.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const call = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_current_identity', arguments: {} } });
const mcpHeaders = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' };

const identityShape = z.object({
  organization: z.object({ id: z.string(), name: z.string(), slug: z.string(), plan: z.string() }),
  account: z.object({ id: z.string(), email: z.string(), name: z.string() }),
  role: z.string(),
  permissions: z.array(z.string()),
  grantedScopes: z.array(z.string()),
  client: z.object({ id: z.string(), name: z.string() }),
});

async function readBody(req: IncomingMessage): Promise<unknown> {
  let data = '';
  for await (const chunk of req) data += chunk;
  return JSON.parse(data);
}

async function startBareServer(query: AccessRecheckQuery, grantId: string) {
  const port = await freePort();
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const mcp = new McpServer({ name: 'bare', version: '1.0.0' });
    // The same tool contract as the gateway's (output schema, structured content), minus auth and framework.
    mcp.registerTool(
      'get_current_identity',
      { description: 'Same database query as the gateway', inputSchema: z.object({}), outputSchema: identityShape },
      async () => {
        const row = await query.load(grantId, new Date());
        const identity = {
          organization: { id: row!.grantOrgId, name: row!.orgName, slug: row!.orgSlug, plan: row!.orgPlan },
          account: { id: row!.grantUserId, email: row!.userEmail, name: row!.userName },
          role: row!.role!,
          permissions: [],
          grantedScopes: [],
          client: { id: row!.grantClientId, name: row!.clientName },
        };
        return { structuredContent: identity, content: [{ type: 'text', text: JSON.stringify(identity) }] };
      },
    );
    const transport = new NodeStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('finish', () => void mcp.close());
    await mcp.connect(transport);
    await transport.handleRequest(req, res, body);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}/mcp`, close: () => new Promise((resolve) => server.close(resolve)) };
}

// The per-grant request budget would cap a single-grant load test; RATE_LIMITS=off lifts it.
const t = await startTestApp({ env: { LOG_LEVEL: 'error', RATE_LIMITS: 'off' } });
try {
  const owner = await createUser(t);
  const org = await createOrg(t, owner);
  const access = await mintAccess(t, owner, org.id);
  const bare = await startBareServer(t.get(AccessRecheckQuery), access.grantId);

  // The recheck alone: verify (cached after the first call) + one database round trip.
  const resolver = t.get(PrincipalResolver);
  for (let i = 0; i < 200; i++) await resolver.resolve(access.token);
  const samples: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const started = performance.now();
    await resolver.resolve(access.token);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);

  // CPU this process spends per request: steadier than throughput on a machine with other work.
  const measured = async (url: string, headers: Record<string, string>) => {
    await load(url, { body: call, headers, connections: CONNECTIONS, seconds: 2 });
    const before = process.cpuUsage();
    const result = await load(url, { body: call, headers, connections: CONNECTIONS, seconds: SECONDS });
    const cpu = process.cpuUsage(before);
    return { ...result, cpuMicrosPerRequest: (cpu.user + cpu.system) / result.requests };
  };
  const baseline = await measured(bare.url, mcpHeaders);
  const gateway = await measured(`${t.url}/mcp`, { ...mcpHeaders, authorization: `Bearer ${access.token}` });

  console.log(`database: ${t.database.description}; ${CONNECTIONS} connections, ${SECONDS} s each; tools/call get_current_identity`);
  console.log(`bare MCP server (no auth):   ${fmt(baseline.rps, 0)} req/s  p50 ${baseline.p50} ms  p99 ${baseline.p99} ms  (${baseline.requests} requests, ${baseline.non2xx} non-2xx)`);
  console.log(`full gateway (auth+recheck): ${fmt(gateway.rps, 0)} req/s  p50 ${gateway.p50} ms  p99 ${gateway.p99} ms  (${gateway.requests} requests, ${gateway.non2xx} non-2xx)`);
  console.log(`throughput ratio gateway/bare: ${fmt(gateway.rps / baseline.rps)} (target >= 0.70)`);
  console.log(`server CPU per request: bare ${fmt(baseline.cpuMicrosPerRequest, 0)} µs, gateway ${fmt(gateway.cpuMicrosPerRequest, 0)} µs (ratio bare/gateway ${fmt(baseline.cpuMicrosPerRequest / gateway.cpuMicrosPerRequest)})`);
  console.log(`access recheck per request: p50 ${fmt(percentile(samples, 50), 3)} ms, p99 ${fmt(percentile(samples, 99), 3)} ms (target p50 < 1 ms)`);
  if (gateway.non2xx > 0 || baseline.non2xx > 0) console.log('WARNING: some responses were not 2xx');
  await bare.close();
} finally {
  await t.close();
}
