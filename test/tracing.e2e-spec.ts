import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createOrg, createUser } from './support/fixtures.js';
import { rawMcp } from './support/mcp.js';
import { freePort, freshDataDir, onPostgres, POSTGRES_TEST_SECRETS_KEY, ROOT, startTestApp, unique, type TestApp } from './support/test-app.js';
import { mintAccess } from './support/tokens.js';

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

// OTLP/JSON carries ids as hex; accept base64 too (the protobuf-JSON mapping some encoders use).
const hexId = (id: string) => (/^[0-9a-f]+$/i.test(id) || id === '' ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex'));

/** A loopback OTLP/HTTP collector: what an operator's collector would receive. */
async function otlpReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; raw: string[]; server: Server }> {
  const spans: ReceivedSpan[] = [];
  const raw: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      assert.equal(req.url, '/v1/traces');
      assert.match(String(req.headers['content-type']), /application\/json/);
      raw.push(body);
      const payload = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: any[] }[] }[] };
      for (const resource of payload.resourceSpans) {
        for (const scope of resource.scopeSpans) {
          for (const span of scope.spans) {
            const attributes: Record<string, unknown> = {};
            for (const a of span.attributes ?? []) attributes[a.key] = Object.values(a.value ?? {})[0];
            spans.push({ traceId: hexId(span.traceId), spanId: hexId(span.spanId), parentSpanId: hexId(span.parentSpanId ?? ''), name: span.name, kind: span.kind, attributes });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}`, spans, raw, server };
}

async function until<T>(what: string, find: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('tracing (OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  let receiver: Awaited<ReturnType<typeof otlpReceiver>>;
  let t: TestApp;
  before(async () => {
    receiver = await otlpReceiver();
    t = await startTestApp({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } });
  });
  after(async () => {
    await t?.close();
    receiver?.server.close();
  });

  it('exports one tool call as a span tree under the caller\'s trace: HTTP, token check, recheck, tool, queries', async () => {
    const owner = await createUser(t);
    const org = await createOrg(t, owner);
    const { token } = await mintAccess(t, owner, org.id);
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    // Arguments may carry anything a user typed; none of it belongs in a trace.
    const marker = `secret-${randomBytes(6).toString('hex')}`;
    const res = await rawMcp(
      t.url,
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'create_team', arguments: { name: unique('Team '), description: marker } } },
      { authorization: `Bearer ${token}`, traceparent: `00-${traceId}-${callerSpanId}-01` },
    );
    assert.equal(res.status, 200);
    assert.doesNotMatch(await res.text(), /"isError":true/);

    const ofTrace = () => receiver.spans.filter((s) => s.traceId === traceId);
    const server = await until('the HTTP server span', () => ofTrace().find((s) => s.parentSpanId === callerSpanId));
    const tool = await until('the tool span', () => ofTrace().find((s) => s.name === 'tools/call create_team'));
    const query = await until('a database query span', () => ofTrace().find((s) => s.name.startsWith('prisma:')));
    const byId = new Map(ofTrace().map((s) => [s.spanId, s]));
    const ancestors = (span: ReceivedSpan) => {
      const chain: string[] = [];
      for (let p = byId.get(span.parentSpanId); p; p = byId.get(p.parentSpanId)) chain.push(p.name);
      return chain;
    };

    assert.equal(server.name, 'POST /mcp');
    assert.equal(server.kind, 2, 'SERVER');
    assert.equal(server.attributes['http.response.status_code'], 200);
    for (const name of ['mcp.token_check', 'mcp.access_recheck']) {
      const span = ofTrace().find((s) => s.name === name);
      assert.ok(span, `${name} exported`);
      assert.equal(span.parentSpanId, server.spanId, `${name} is a child of the request`);
    }
    assert.ok(ancestors(tool).includes('POST /mcp'), `tool span under the request: ${ancestors(tool)}`);
    assert.equal(tool.attributes['gen_ai.tool.name'], 'create_team');
    assert.equal(tool.attributes['mcp.tool.outcome'], 'ok');
    assert.ok(ancestors(query).includes('POST /mcp'), `query spans under the request: ${ancestors(query)}`);
    assert.ok(
      ofTrace().some((s) => s.name.startsWith('prisma:') && ancestors(s).includes('tools/call create_team')),
      'the tool\'s own queries are under the tool span',
    );
    // The recheck reads through the driver, not Prisma: its query span is the database layer's own.
    assert.ok(
      ofTrace().some((s) => s.name === 'db.query access_recheck' && ancestors(s).includes('mcp.access_recheck')),
      'the recheck\'s query is under the recheck span',
    );

    // Nothing of the arguments or the bearer token reached the collector.
    const everything = receiver.raw.join('\n');
    assert.ok(!everything.includes(marker), 'tool arguments are not exported');
    assert.ok(!everything.includes(token.split('.')[2]!), 'the token is not exported');
  });

  it('marks a refused tool call with its error code', async () => {
    const owner = await createUser(t);
    const org = await createOrg(t, owner);
    const { token } = await mintAccess(t, owner, org.id);
    const traceId = randomBytes(16).toString('hex');
    const res = await rawMcp(
      t.url,
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_member', arguments: { member: 'nobody-like-this' } } },
      { authorization: `Bearer ${token}`, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
    );
    assert.equal(res.status, 200);
    const tool = await until('the tool span', () => receiver.spans.find((s) => s.traceId === traceId && s.name === 'tools/call get_member'));
    assert.equal(tool.attributes['mcp.tool.outcome'], 'error');
    assert.equal(tool.attributes['error.type'], 'not_found');
  });
});

describe('without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  // Records every module the server process loads, from its first import on.
  const recorder = `data:text/javascript,${encodeURIComponent(`
    import { registerHooks } from 'node:module';
    import { writeSync } from 'node:fs';
    registerHooks({ load(url, context, next) { if (/@opentelemetry|@prisma\\/instrumentation/.test(url)) writeSync(2, 'LOADED ' + url + '\\n'); return next(url, context); } });
  `)}`;

  async function modulesLoadedByServer(env: Record<string, string>): Promise<string[]> {
    const port = await freePort();
    const dataDir = await freshDataDir();
    const child = spawn(join(ROOT, 'node_modules/.bin/node'), ['--import', recorder, '--import', './scripts/app-paths.mjs', 'dist/apps/api/src/main.js'], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'error', ...(onPostgres ? { SECRETS_KEY: POSTGRES_TEST_SECRETS_KEY } : {}), ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      for (let i = 0; ; i++) {
        if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
        if (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false)) break;
        if (i > 600) throw new Error('server not ready');
        await new Promise((r) => setTimeout(r, 100));
      }
      // A request through every layer that would create spans.
      await fetch(`http://127.0.0.1:${port}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    return [...stderr.matchAll(/^LOADED (.+)$/gm)].map((m) => m[1]!);
  }

  it('loads no OpenTelemetry SDK, exporter or instrumentation (only the no-op API), and does with it', async () => {
    const sdk = /@opentelemetry\/(sdk-|exporter-|context-async-hooks|resources|core|instrumentation|otlp-)|@prisma\/instrumentation/;
    const off = await modulesLoadedByServer({ OTEL_EXPORTER_OTLP_ENDPOINT: '' });
    assert.deepEqual(off.filter((url) => sdk.test(url)), []);
    // The same probe sees the SDK when tracing is on, so an empty list above means something.
    const receiver = await otlpReceiver();
    try {
      const on = await modulesLoadedByServer({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
      assert.ok(on.some((url) => /@opentelemetry\/sdk-trace/.test(url)), on.join('\n'));
      assert.ok(on.some((url) => /@opentelemetry\/exporter-trace-otlp-http/.test(url)));
    } finally {
      receiver.server.close();
    }
  });
});
