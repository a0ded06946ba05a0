// Token endpoint throughput (authorization_code exchange and refresh) and the cost of verifying an
// access token per MCP request. Runs the real server on the configured database (embedded by default,
// DATABASE_URL for PostgreSQL): `npm run bench:token`. GET /readyz (HTTP plus one database query), driven
// the same way in the same run, is the baseline: the endpoint figures are reported as ratios to it.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AccessTokenVerifier, PrincipalResolver } from '@app/access';
import { SessionsService } from '@app/identity';
import { AccessTokenIssuer, AuthorizationService, GrantRepository } from '@app/oauth';
import { createOrg, createUser } from '../test/support/fixtures.js';
import { pkce, refresh, registerClient, tokenRequest } from '../test/support/oauth-flow.js';
import { startTestApp, type TestApp } from '../test/support/test-app.js';

const CONCURRENCY = 10;
const CODES = Number(process.env.BENCH_CODES ?? 400);
const REFRESHES = Number(process.env.BENCH_REFRESHES ?? 400);
const VERIFICATIONS = Number(process.env.BENCH_VERIFICATIONS ?? 2000);
const READYZ = Number(process.env.BENCH_READYZ ?? 2000);
// BENCH_PROFILE_DIR=/tmp/prof writes a V8 CPU profile of the code exchanges and of the refreshes (the load
// runs in this process too: its frames are undici's and this file's); summarise with cpu-profile.js.
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;

async function profiled<T>(name: string, run: () => Promise<T>): Promise<T> {
  if (!PROFILE_DIR) return run();
  const inspector = new Session();
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.setSamplingInterval', { interval: 200 });
  await inspector.post('Profiler.start');
  try {
    return await run();
  } finally {
    const { profile } = await inspector.post('Profiler.stop');
    writeFileSync(join(PROFILE_DIR, `${name}.cpuprofile`), JSON.stringify(profile));
    inspector.disconnect();
  }
}

async function inParallel<T>(items: T[], worker: (item: T) => Promise<void>): Promise<number> {
  const queue = [...items];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await worker(item);
    }),
  );
  return performance.now() - started;
}

function report(what: string, count: number, ms: number, baselinePerSecond?: number): void {
  const perSecond = count / (ms / 1000);
  const ratio = baselinePerSecond ? `  ratio to /readyz ${(perSecond / baselinePerSecond).toFixed(3)}` : '';
  console.log(`${what.padEnd(50)} ${String(count).padStart(6)} in ${(ms / 1000).toFixed(2).padStart(6)} s  ${perSecond.toFixed(0).padStart(6)} /s  ${((ms * 1000) / count).toFixed(0).padStart(7)} µs/op${ratio}`);
}

async function readyz(t: TestApp, count: number): Promise<number> {
  return inParallel(Array.from({ length: count }, (_, i) => i), async () => {
    const r = await fetch(`${t.url}/readyz`);
    if (r.status !== 200) throw new Error(`/readyz answered ${r.status}`);
    await r.arrayBuffer();
  });
}

async function main(t: TestApp): Promise<void> {
  const user = await createUser(t);
  const org = await createOrg(t, user);
  const { clientId, redirectUri } = await registerClient(t);
  const { session } = await t.get(SessionsService).start(user.id, { userAgent: 'bench' });
  const authorization = t.get(AuthorizationService);

  // Codes are minted in-process (the pages are not what is measured), then exchanged over HTTP.
  const codes: { code: string; verifier: string }[] = [];
  for (let i = 0; i < CODES; i++) {
    const { verifier, challenge } = pkce();
    const request = await authorization.validate({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256', scope: 'mcp:read mcp:write' });
    const location = new URL(await authorization.approve(request, { userId: user.id, sessionId: session.id }, org.id));
    codes.push({ code: location.searchParams.get('code')!, verifier });
  }
  await readyz(t, 200); // warm-up
  const readyzMs = await readyz(t, READYZ);
  const refreshTokens: string[] = [];
  const exchangeMs = await profiled('code-exchange', () =>
    inParallel(codes, async ({ code, verifier }) => {
      const r = await tokenRequest(t, { grant_type: 'authorization_code', client_id: clientId, redirect_uri: redirectUri, code, code_verifier: verifier });
      if (r.status !== 200) throw new Error(`exchange failed: ${JSON.stringify(r.body)}`);
      refreshTokens.push(r.body.refresh_token as string);
    }),
  );

  // Each chain refreshes its own family in sequence (a rotated token is single use).
  const chains = refreshTokens.slice(0, CONCURRENCY);
  const perChain = Math.ceil(REFRESHES / CONCURRENCY);
  const started = performance.now();
  await profiled('refresh', () =>
    Promise.all(
      chains.map(async (token) => {
        for (let i = 0; i < perChain; i++) {
          const r = await refresh(t, clientId, token);
          if (r.status !== 200) throw new Error(`refresh failed: ${JSON.stringify(r.body)}`);
          token = r.body.refresh_token as string;
        }
      }),
    ),
  );
  const refreshMs = performance.now() - started;

  // Verification: distinct tokens so every call pays the signature check, then the cached path, then
  // the whole per-request check (verification plus the live grant/session/membership query).
  const grant = await t.get(GrantRepository).create({ clientId, userId: user.id, sessionId: session.id, orgId: org.id, scope: 'mcp:read mcp:write', resource: t.config.mcpResourceUrl });
  const issuer = t.get(AccessTokenIssuer);
  const tokens: string[] = [];
  for (let i = 0; i < VERIFICATIONS; i++) tokens.push((await issuer.issue(grant, 'mcp:read mcp:write')).accessToken);
  const verifier = t.get(AccessTokenVerifier);
  let t0 = performance.now();
  for (const token of tokens) await verifier.verify(token);
  const coldMs = performance.now() - t0;
  t0 = performance.now();
  for (const token of tokens) await verifier.verify(token);
  const cachedMs = performance.now() - t0;
  const resolver = t.get(PrincipalResolver);
  t0 = performance.now();
  for (const token of tokens) await resolver.resolve(token, t.config.mcpResourceUrl);
  const fullMs = performance.now() - t0;

  const readyzAfterMs = await readyz(t, READYZ);
  // The baseline is measured before and after the endpoint runs; the mean evens out drift in machine load.
  const baselinePerSecond = (READYZ / (readyzMs / 1000) + READYZ / (readyzAfterMs / 1000)) / 2;

  console.log(`\nToken endpoint and verification benchmark (${t.database.description}, ${CONCURRENCY} concurrent HTTP clients, ${cpus().length} cores)\n`);
  report('GET /readyz (baseline, before)', READYZ, readyzMs);
  report('GET /readyz (baseline, after)', READYZ, readyzAfterMs);
  report('POST /oauth/token authorization_code', CODES, exchangeMs, baselinePerSecond);
  report('POST /oauth/token refresh_token (rotation)', chains.length * perChain, refreshMs, baselinePerSecond);
  report('JWT verification, signature checked', VERIFICATIONS, coldMs);
  report('JWT verification, already verified (cache)', VERIFICATIONS, cachedMs);
  report('per-request check: JWT + live grant/session/role', VERIFICATIONS, fullMs);
  const exchangeRatio = CODES / (exchangeMs / 1000) / baselinePerSecond;
  const refreshRatio = (chains.length * perChain) / (refreshMs / 1000) / baselinePerSecond;
  console.log(`\ncode exchange/readyz ratio: ${exchangeRatio.toFixed(3)}; refresh/readyz ratio: ${refreshRatio.toFixed(3)}`);
}

// Measures the endpoint itself: the abuse limits would refuse a benchmark's request rate by design.
const t = await startTestApp({ env: { RATE_LIMITS: 'off' } });
try {
  await main(t);
} finally {
  await t.close();
}
