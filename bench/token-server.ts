// The server bench:token measures, in its own process: the real app on the configured database, with one
// account, organization, registered client and web session. The parent asks it over IPC for authorization
// codes (minted here, outside any measured window: the consent pages are not what is measured), for its
// own CPU time, for CPU profiles of a window, and for the in-process cost of verifying access tokens.
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { AccessTokenVerifier, PrincipalResolver } from '@app/access';
import { AccountsService, SessionsService } from '@app/identity';
import { OrganizationsService } from '@app/members';
import { AccessTokenIssuer, AuthorizationService, GrantRepository } from '@app/oauth';
import { startTestApp, unique } from '../test/support/test-app.js';

export interface TokenServerReady {
  type: 'ready';
  url: string;
  clientId: string;
  redirectUri: string;
  database: string;
}

export type TokenServerCommand =
  | { type: 'codes'; count: number }
  | { type: 'stats' }
  | { type: 'profile-start' }
  | { type: 'profile-stop'; file: string }
  | { type: 'verification'; count: number }
  | { type: 'stop' };

export interface TokenServerAnswers {
  codes: { type: 'codes'; codes: { code: string; verifier: string }[] };
  stats: { type: 'stats'; cpuMicros: number };
  verification: { type: 'verification'; signatureCheckedMs: number; cachedMs: number; perRequestCheckMs: number };
}

// Measures the endpoint itself: the abuse limits would refuse a benchmark's request rate by design.
const t = await startTestApp({ env: { LOG_LEVEL: 'error', RATE_LIMITS: 'off' } });
const user = await t.get(AccountsService).register({ email: `${unique('token-bench')}@bench.example.com`, name: 'Token Bench', password: 'token bench password', verified: true });
const org = await t.get(OrganizationsService).create({ name: unique('Token bench '), ownerEmail: user.email, seats: 5, confirmRiskyChanges: 'never' });
const { session } = await t.get(SessionsService).start(user.id, { userAgent: 'bench' });
const redirectUri = 'http://127.0.0.1:8976/callback';
const registered = await fetch(`${t.url}/oauth/register`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ client_name: 'Token Bench', redirect_uris: [redirectUri], token_endpoint_auth_method: 'none' }),
});
if (registered.status !== 201) throw new Error(`client registration answered ${registered.status}`);
const clientId = ((await registered.json()) as { client_id: string }).client_id;
const authorization = t.get(AuthorizationService);

// Not test/support/oauth-flow.js: it loads the SDK's test client, which a server process never holds.
function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function mintCodes(count: number): Promise<{ code: string; verifier: string }[]> {
  const codes = [];
  for (let i = 0; i < count; i++) {
    const { verifier, challenge } = pkce();
    const request = await authorization.validate({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256', scope: 'mcp:read mcp:write' });
    const location = new URL(await authorization.approve(request, { userId: user.id, sessionId: session.id }, org.id));
    codes.push({ code: location.searchParams.get('code')!, verifier });
  }
  return codes;
}

// Distinct tokens so every call pays the signature check, then the cached path, then the whole
// per-request check (verification plus the live grant/session/membership query).
async function verification(count: number): Promise<TokenServerAnswers['verification']> {
  const grant = await t.get(GrantRepository).create({ clientId, userId: user.id, sessionId: session.id, orgId: org.id, scope: 'mcp:read mcp:write', resource: t.config.mcpResourceUrl });
  const issuer = t.get(AccessTokenIssuer);
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) tokens.push((await issuer.issue(grant, 'mcp:read mcp:write')).accessToken);
  const verifier = t.get(AccessTokenVerifier);
  const resolver = t.get(PrincipalResolver);
  const timed = async (run: (token: string) => Promise<unknown>) => {
    const started = performance.now();
    for (const token of tokens) await run(token);
    return performance.now() - started;
  };
  const signatureCheckedMs = await timed((token) => verifier.verify(token));
  const cachedMs = await timed((token) => verifier.verify(token));
  const perRequestCheckMs = await timed((token) => resolver.resolve(token, t.config.mcpResourceUrl));
  return { type: 'verification', signatureCheckedMs, cachedMs, perRequestCheckMs };
}

const inspector = new Session();
inspector.connect();

process.on('message', async (command: TokenServerCommand) => {
  switch (command.type) {
    case 'codes':
      process.send!({ type: 'codes', codes: await mintCodes(command.count) });
      return;
    case 'stats': {
      const cpu = process.cpuUsage();
      process.send!({ type: 'stats', cpuMicros: cpu.user + cpu.system });
      return;
    }
    case 'profile-start':
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.setSamplingInterval', { interval: 200 });
      await inspector.post('Profiler.start');
      process.send!({ type: 'profile-start' });
      return;
    case 'profile-stop': {
      const { profile } = await inspector.post('Profiler.stop');
      writeFileSync(command.file, JSON.stringify(profile));
      process.send!({ type: 'profile-stop' });
      return;
    }
    case 'verification':
      process.send!(await verification(command.count));
      return;
    case 'stop':
      await t.close();
      process.exit(0);
  }
});
process.on('disconnect', () => void t.close().then(() => process.exit(0)));
process.send!({ type: 'ready', url: t.url, clientId, redirectUri, database: t.database.description } satisfies TokenServerReady);
