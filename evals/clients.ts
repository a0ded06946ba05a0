import assert from 'node:assert/strict';
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PrismaService } from '@app/shared';
import type { Browser } from 'playwright-core';
import { createOrg, createUser, TEST_PASSWORD } from '../test/support/fixtures.js';
import { freePort, ROOT, startTestApp, type TestApp } from '../test/support/test-app.js';
import { BearerProxy } from './support/bearer-proxy.js';
import { signInAndAllow } from './support/chromium.js';
import { connectThroughBrowser } from './support/connect.js';

const NODE_BIN = join(ROOT, 'node_modules/.bin');
// The README's commands run as written, with this project's Node (24) first on the PATH.
const env = (extra: Record<string, string>) => ({ ...process.env, PATH: `${NODE_BIN}:${process.env.PATH}`, ...extra });

/** Resolves with the first stderr line that passes `test`; rejects on exit or timeout. */
function waitForLine(child: ChildProcess & { stderr: NodeJS.ReadableStream }, test: (line: string) => boolean, what: string, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stderr });
    const seen: string[] = [];
    const timer = setTimeout(() => fail(new Error(`timed out waiting for ${what}`)), timeoutMs);
    const onExit = (code: number | null) => fail(new Error(`exited (${code}) before ${what}`));
    function fail(error: Error) {
      cleanup();
      reject(new Error(`${error.message}; stderr:\n${seen.slice(-30).join('\n')}`));
    }
    function cleanup() {
      clearTimeout(timer);
      child.off('exit', onExit);
      lines.close();
    }
    lines.on('line', (line) => {
      seen.push(line);
      if (test(line)) {
        cleanup();
        resolve(line);
      }
    });
    child.once('exit', onExit);
  });
}

/** Newline-delimited JSON-RPC over a child's stdin/stdout, answers matched by id. */
function jsonRpc(child: ChildProcessWithoutNullStreams) {
  const pending = new Map<number, (message: any) => void>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    let message: any;
    try {
      message = JSON.parse(line);
    } catch {
      return;
    }
    if (typeof message.id === 'number') pending.get(message.id)?.(message);
  });
  let nextId = 1;
  return {
    request(method: string, params: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<any> {
      const id = nextId++;
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer to ${method}`)), timeoutMs);
        pending.set(id, (m) => {
          clearTimeout(timer);
          pending.delete(id);
          if (m.error) reject(new Error(`${method}: ${JSON.stringify(m.error)}`));
          else resolve(m.result);
        });
      });
    },
    notify(method: string) {
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method })}\n`);
    },
  };
}

async function mcpRemote(server: TestApp, chromium: Browser): Promise<void> {
  const person = await createUser(server, { email: 'max@remote.test', name: 'Max Remote' });
  const orgName = 'Remote Works';
  const org = await createOrg(server, person, { name: orgName });
  const configDir = mkdtempSync(join(tmpdir(), 'mcp-remote-'));
  const callbackPort = await freePort();
  // README: npx mcp-remote <PUBLIC_URL>/mcp; on a plain-http test server also --allow-http. --host makes the
  // redirect URI 127.0.0.1 rather than localhost. BROWSER=true: the browser step is done below, in Chromium.
  const child = spawn('npx', ['--no-install', 'mcp-remote', `${server.url}/mcp`, String(callbackPort), '--allow-http', '--host', '127.0.0.1'], {
    env: env({ BROWSER: 'true', MCP_REMOTE_CONFIG_DIR: configDir }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const context = await chromium.newContext();
  try {
    const marker = 'Please authorize this client by visiting:';
    let sawMarker = false;
    const authorizationUrl = await waitForLine(child, (line) => (sawMarker ||= line.includes(marker)) && line.startsWith('http'), 'the authorization URL');
    const url = new URL(authorizationUrl.trim());
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(url.searchParams.get('resource'), server.config.mcpResourceUrl);
    const established = waitForLine(child, (line) => line.includes('Proxy established successfully'), 'the proxy to connect');
    const page = await context.newPage();
    await signInAndAllow(page, url.href, { email: person.email, password: TEST_PASSWORD, orgName }, `http://127.0.0.1:${callbackPort}/oauth/callback`);
    await established;

    const rpc = jsonRpc(child);
    const init = await rpc.request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'stdio-host', version: '1.0.0' } });
    assert.ok(init.capabilities.tools, JSON.stringify(init));
    rpc.notify('notifications/initialized');
    const { tools } = await rpc.request('tools/list');
    for (const name of ['get_current_identity', 'invite_member', 'share_skill']) assert.ok(tools.some((t: { name: string }) => t.name === name), name);
    const identity = await rpc.request('tools/call', { name: 'get_current_identity', arguments: {} });
    assert.equal(identity.isError ?? false, false, JSON.stringify(identity));
    assert.equal(identity.structuredContent.organization.name, orgName);
    assert.equal(identity.structuredContent.account.email, person.email);

    // Its own registration and consent: a dynamic public client with its loopback callback, one live grant.
    const prisma = server.get(PrismaService);
    const grants = await prisma.grant.findMany({ where: { userId: person.id, revokedAt: null }, include: { client: true } });
    assert.equal(grants.length, 1);
    assert.equal(grants[0]!.orgId, org.id);
    assert.equal(grants[0]!.client.id, identity.structuredContent.client.id);
    assert.deepEqual(grants[0]!.client.redirectUris, [`http://127.0.0.1:${callbackPort}/oauth/callback`]);
    assert.equal(grants[0]!.client.tokenEndpointAuthMethod, 'none');
  } finally {
    child.stdin.end();
    if (child.exitCode === null) child.kill('SIGTERM');
    await context.close();
    rmSync(configDir, { recursive: true, force: true });
  }
}

// Not a devDependency: the Inspector 2.x pins older @modelcontextprotocol/server and core releases than this
// server's own, and brings vite, react and a native keyring; npx keeps all of that in its own cache.
const INSPECTOR = '@modelcontextprotocol/inspector@2.12.0';

async function inspectorCli(server: TestApp, chromium: Browser): Promise<void> {
  const person = await createUser(server, { email: 'ines@inspector.test', name: 'Ines Inspector' });
  const orgName = 'Inspector Org';
  const org = await createOrg(server, person, { name: orgName });
  const home = mkdtempSync(join(tmpdir(), 'inspector-'));
  const callbackPort = await freePort();
  const callbackUrl = `http://127.0.0.1:${callbackPort}/oauth/callback`;
  // README: MCP_AUTO_OPEN_ENABLED=true npx @modelcontextprotocol/inspector --cli <url>/mcp --transport http --method tools/list
  const child = spawn('npx', ['-y', INSPECTOR, '--cli', `${server.url}/mcp`, '--transport', 'http', '--method', 'tools/list', '--callback-url', callbackUrl], {
    env: env({ MCP_AUTO_OPEN_ENABLED: 'true', BROWSER: 'true', HOME: home, MCP_INSPECTOR_SECRET_STORE: 'file', MCP_STORAGE_DIR: home }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const context = await chromium.newContext();
  try {
    const line = await waitForLine(child, (l) => /https?:\/\/\S+\/oauth\/authorize\?\S+/.test(l), 'the authorization URL', 120_000);
    const url = new URL(/https?:\/\/\S+\/oauth\/authorize\?\S+/.exec(line)![0]);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(url.searchParams.get('redirect_uri'), callbackUrl);
    const page = await context.newPage();
    await signInAndAllow(page, url.href, { email: person.email, password: TEST_PASSWORD, orgName }, callbackUrl);
    assert.equal(await exited, 0, stdout.slice(-2000));
    const { tools } = JSON.parse(stdout) as { tools: { name: string }[] };
    for (const name of ['get_current_identity', 'invite_member', 'share_skill']) assert.ok(tools.some((t) => t.name === name), name);
    const grants = await server.get(PrismaService).grant.findMany({ where: { userId: person.id, revokedAt: null }, include: { client: true } });
    assert.deepEqual(grants.map((g) => [g.orgId, g.client.redirectUris]), [[org.id, [callbackUrl]]]);
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
    await context.close();
    rmSync(home, { recursive: true, force: true });
  }
}

async function conformance(server: TestApp, chromium: Browser): Promise<void> {
  // The suite's client sends no token. A loopback proxy adds the bearer token, and it stands where a
  // deployment's public front stands: a second instance on the same database has PUBLIC_URL = the proxy,
  // so issuer, audience and the allowed Origin are the proxy's, as they would be behind a load balancer.
  let token: string | undefined;
  const proxy = new BearerProxy(() => token);
  await proxy.listen();
  const front = await startTestApp({ sharing: server, env: { PUBLIC_URL: proxy.url } });
  proxy.target = front.url;
  const person = await createUser(server, { email: 'conformance@suite.test', name: 'Conformance' });
  await createOrg(server, person, { name: 'Conformance Org' });
  const context = await chromium.newContext();
  const outputDir = mkdtempSync(join(tmpdir(), 'conformance-'));
  try {
    // The token a real client holds after its sign-in, obtained through the browser like any other.
    const connection = await connectThroughBrowser(proxy.url, context, { email: person.email, password: TEST_PASSWORD, orgName: 'Conformance Org' }, 'Conformance');
    await connection.close();
    token = connection.provider.tokens()!.access_token;

    const child = spawn(
      'npx',
      ['--no-install', '@modelcontextprotocol/conformance', 'server', '--url', `${proxy.url}/mcp`, '--expected-failures', join(ROOT, 'evals/conformance-expected-failures.yml'), '-o', outputDir],
      { env: env({}), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
    // The suite's own baseline check: exit 1 on an unexpected failure or on a listed scenario that now passes.
    assert.equal(code, 0, plain.slice(plain.indexOf('=== SUMMARY ===')));
    // Guards against a baseline that lists everything: these must really pass.
    for (const scenario of ['server-initialize', 'ping', 'tools-list', 'resources-list', 'prompts-list', 'dns-rebinding-protection']) {
      assert.match(plain, new RegExp(`✓ ${scenario}: [1-9]\\d* passed, 0 failed`), scenario);
    }
  } finally {
    await context.close();
    await front.close();
    await proxy.close();
    rmSync(outputDir, { recursive: true, force: true });
  }
}

export function clientChecks(server: TestApp, chromium: Browser): { name: string; run(): Promise<void> }[] {
  return [
    { name: 'client: mcp-remote (stdio proxy, its own OAuth)', run: () => mcpRemote(server, chromium) },
    { name: 'client: MCP Inspector CLI (tools/list after its own OAuth)', run: () => inspectorCli(server, chromium) },
    { name: 'conformance: @modelcontextprotocol/conformance server', run: () => conformance(server, chromium) },
  ];
}
