import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SESSION_COOKIE } from '@app/identity';
import { Clock, PrismaService } from '@app/shared';
import { decideApproval, launchChromium } from '../evals/support/chromium.js';
import { addMember, createOrg, createUser, TEST_PASSWORD } from './support/fixtures.js';
import { callTool, connectWithToken, toolError } from './support/mcp.js';
import { modernToolCall } from './support/modern-mcp.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { auditEvents, isMember, orgWithMember } from './support/confirmations.js';
import { mintAccess } from './support/tokens.js';

const FORM = { elicitation: { form: {} } };
const URL_ONLY = { elicitation: { url: {} } };
const NONE = {};
const ACCEPT = { confirm: { action: 'accept', content: { confirm: true } } };
const TEN_MINUTES = 10 * 60 * 1000;


function errorOf(result: Record<string, any> | undefined) {
  assert.ok(result, 'a result, not a JSON-RPC error');
  assert.equal(result.isError, true, JSON.stringify(result));
  assert.equal(result.structuredContent, undefined, 'errors travel as JSON text, not structured content');
  const text = (result.content as Array<{ type: string; text?: string }>).find((item) => item.type === 'text')?.text ?? '';
  return (JSON.parse(text) as { error: { code: string; message: string; details: Record<string, any>; hint: string } }).error;
}

/** A browser that holds a signed-in session: reads the approval page and posts its form with the CSRF token. */
function browserOf(t: TestApp, sessionToken: string | null) {
  const cookies = new Map<string, string>(sessionToken ? [[SESSION_COOKIE, sessionToken]] : []);
  const send = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${t.url}${path}`, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = pair!.split('=');
      cookies.set(name!, value ?? '');
    }
    return { res, text: await res.text() };
  };
  return {
    get: (path: string) => send(path),
    async decide(path: string, decision: 'approve' | 'reject', csrfOverride?: string) {
      const page = await send(path);
      const csrf = csrfOverride ?? /name="csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
      return send(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf, decision }).toString() });
    },
  };
}

function approvalPath(url: string): string {
  return new URL(url).pathname;
}

describe('risky changes wait for the person (protocol revision 2026-07-28, form elicitation)', () => {
  let t: TestApp;
  let second: TestApp;
  before(async () => {
    t = await startTestApp();
    second = await startTestApp({ sharing: t });
  });
  after(async () => {
    await second.close();
    await t.close();
  });

  it('asks with one boolean confirm field and a summary of who is affected; accept makes the change and audits it as form', async () => {
    const { org, bob, owner, token } = await orgWithMember(t);
    const first = await modernToolCall(t.url, 'remove_member', { member: bob.email }, { token, capabilities: FORM });
    assert.equal(first.result?.resultType, 'input_required');
    const ask = first.result!.inputRequests.confirm;
    assert.equal(ask.method, 'elicitation/create');
    assert.equal(ask.params.mode, 'form');
    assert.deepEqual(Object.keys(ask.params.requestedSchema.properties), ['confirm']);
    assert.equal(ask.params.requestedSchema.properties.confirm.type, 'boolean');
    assert.match(ask.params.message, new RegExp(`Remove Bob Member <${bob.email.replace('.', '\\.')}> \\(role member\\) from ${org.name}`));
    assert.match(ask.params.message, /1 person affected/);
    assert.match(first.result!.requestState, /^v1\./);
    assert.ok(await isMember(t, org.id, bob), 'nothing changes before the answer');

    const done = await modernToolCall(t.url, 'remove_member', { member: bob.email }, { token, capabilities: FORM, requestState: first.result!.requestState, inputResponses: ACCEPT });
    assert.equal(done.result?.isError, undefined, JSON.stringify(done.body));
    assert.equal(done.result?.structuredContent.removed.email, bob.email);
    assert.equal(await isMember(t, org.id, bob), false);

    const [event] = await auditEvents(t, org.id, 'form');
    assert.equal(event?.action, 'member.removed');
    const evidence = (event!.details as Record<string, any>).approval;
    assert.equal(evidence.method, 'form');
    assert.equal(evidence.approvedByUserId, owner.id);
    assert.ok(Math.abs(Date.parse(evidence.approvedAt) - Date.now()) < 60_000);

    const listed = await modernToolCall(t.url, 'list_audit_events', { approval: 'form' }, { token });
    assert.deepEqual(listed.result?.structuredContent.items.map((e: { action: string; approval: string }) => [e.action, e.approval]), [['member.removed', 'form']]);
    const none = await modernToolCall(t.url, 'list_audit_events', { approval: 'browser' }, { token });
    assert.deepEqual(none.result?.structuredContent.items, []);
  });

  for (const [label, answer] of [
    ['decline', { action: 'decline' }],
    ['cancel', { action: 'cancel' }],
    ['accept without confirm: true', { action: 'accept', content: { confirm: false } }],
  ] as const) {
    it(`${label} changes nothing, answers confirmation_declined and audits it as declined`, async () => {
      const { org, bob, token } = await orgWithMember(t);
      const first = await modernToolCall(t.url, 'remove_member', { member: bob.email }, { token, capabilities: FORM });
      const answered = await modernToolCall(t.url, 'remove_member', { member: bob.email }, { token, capabilities: FORM, requestState: first.result!.requestState, inputResponses: { confirm: answer } });
      assert.equal(errorOf(answered.result).code, 'confirmation_declined');
      assert.ok(await isMember(t, org.id, bob));
      const [event] = await auditEvents(t, org.id, 'declined');
      assert.equal(event?.action, 'confirmation.declined');
      assert.equal(event?.targetId, 'remove_member');
      // The nonce is spent: the same state cannot be turned into an accept afterwards, on any instance.
      const replay = await modernToolCall(second.url, 'remove_member', { member: bob.email }, { token, capabilities: FORM, requestState: first.result!.requestState, inputResponses: ACCEPT });
      assert.equal(errorOf(replay.result).code, 'confirmation_invalid');
      assert.ok(await isMember(t, org.id, bob));
    });
  }

  it('refuses a tampered, forged or malformed requestState as confirmation_invalid (a tool error, not a protocol error)', async () => {
    const { org, bob, token } = await orgWithMember(t);
    const { result } = await modernToolCall(t.url, 'remove_member', { member: bob.email }, { token, capabilities: FORM });
    const state: string = result!.requestState;
    const [v, body, mac] = state.split('.') as [string, string, string];
    const decoded = JSON.parse(Buffer.from(body, 'base64url').toString());
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const variants = [
      `${v}.${flip(body, 3)}.${mac}`,
      `${v}.${body}.${flip(mac, 5)}`,
      `${v}.${Buffer.from(JSON.stringify({ ...decoded, exp: decoded.exp + TEN_MINUTES })).toString('base64url')}.${mac}`,
      `${v}.${Buffer.from(JSON.stringify({ ...decoded, d: 'x'.repeat(43) })).toString('base64url')}.${mac}`,
      `v2.${body}.${mac}`,
      `${v}.${body}`,
      `${v}.${body}.${mac}.extra`,
      'not-a-state',
      '',
      `${v}.${'A'.repeat(3000)}.${mac}`,
    ];
    for (const forged of variants) {
      const res = await modernToolCall(t.url, 'remove_member', { member: bob.email }, { token, capabilities: FORM, requestState: forged, inputResponses: ACCEPT });
      assert.equal(res.body.error, undefined, `no JSON-RPC error for ${forged.slice(0, 40)}`);
      assert.equal(errorOf(res.result).code, 'confirmation_invalid', forged.slice(0, 40));
    }
    assert.ok(await isMember(t, org.id, bob));
  });

  it('binds the state to the tool, the resolved arguments, the user, the organization and the grant', async () => {
    const { org, bob, owner, token } = await orgWithMember(t);
    const carol = await createUser(t, { name: 'Carol Member' });
    await addMember(t, org.slug, carol);
    const { result } = await modernToolCall(t.url, 'remove_member', { member: bob.email }, { token, capabilities: FORM });
    const state = result!.requestState as string;
    const retry = (url: string, tool: string, args: Record<string, unknown>, as: string) =>
      modernToolCall(url, tool, args, { token: as, capabilities: FORM, requestState: state, inputResponses: ACCEPT });

    assert.equal(errorOf((await retry(t.url, 'remove_member', { member: carol.email }, token)).result).code, 'confirmation_invalid', 'another member');
    assert.equal(errorOf((await retry(t.url, 'update_member_role', { member: bob.email, role: 'admin' }, token)).result).code, 'confirmation_invalid', 'another tool');
    const sameUserOtherGrant = (await mintAccess(t, owner, org.id)).token;
    assert.equal(errorOf((await retry(t.url, 'remove_member', { member: bob.email }, sameUserOtherGrant)).result).code, 'confirmation_invalid', 'another grant');
    const admin = await createUser(t, { name: 'Ada Admin' });
    await addMember(t, org.slug, admin, 'admin');
    const adminToken = (await mintAccess(t, admin, org.id)).token;
    assert.equal(errorOf((await retry(t.url, 'remove_member', { member: bob.email }, adminToken)).result).code, 'confirmation_invalid', 'another user');
    const otherOrg = await createOrg(t, owner, { confirmRiskyChanges: 'always' });
    await addMember(t, otherOrg.slug, bob);
    const otherOrgToken = (await mintAccess(t, owner, otherOrg.id)).token;
    assert.equal(errorOf((await retry(t.url, 'remove_member', { member: bob.email }, otherOrgToken)).result).code, 'confirmation_invalid', 'another organization');
    assert.ok(await isMember(t, org.id, bob));
    assert.ok(await isMember(t, org.id, carol));
    assert.ok(await isMember(t, otherOrg.id, bob));

    // Referring to Bob by his user id instead of his email resolves to the same membership: the same change.
    const byId = await retry(second.url, 'remove_member', { member: bob.id }, token);
    assert.equal(byId.result?.isError, undefined, JSON.stringify(byId.body));
    assert.equal(await isMember(t, org.id, bob), false);
  });

  it('lets one state through once when two instances receive it at the same moment', async () => {
    const { org, bob, token } = await orgWithMember(t);
    const { result } = await modernToolCall(t.url, 'remove_member', { member: bob.email }, { token, capabilities: FORM });
    const options = { token, capabilities: FORM, requestState: result!.requestState as string, inputResponses: ACCEPT };
    const outcomes = await Promise.all([t.url, second.url, t.url, second.url].map((url) => modernToolCall(url, 'remove_member', { member: bob.email }, options)));
    const succeeded = outcomes.filter((o) => o.result?.isError === undefined);
    assert.equal(succeeded.length, 1, JSON.stringify(outcomes.map((o) => o.result?.structuredContent)));
    for (const failed of outcomes.filter((o) => o.result?.isError)) {
      assert.ok(['confirmation_invalid', 'not_found'].includes(errorOf(failed.result).code));
    }
    assert.equal(await isMember(t, org.id, bob), false);
    assert.equal((await auditEvents(t, org.id)).filter((e) => e.action === 'member.removed').length, 1);
  });

  it('answers an expired state with confirmation_expired and audits it', async () => {
    const { org, bob, token } = await orgWithMember(t);
    const { result } = await modernToolCall(t.url, 'remove_member', { member: bob.email }, { token, capabilities: FORM });
    const clock = second.get(Clock);
    clock.advance(TEN_MINUTES + 1000);
    try {
      const late = await modernToolCall(second.url, 'remove_member', { member: bob.email }, { token, capabilities: FORM, requestState: result!.requestState, inputResponses: ACCEPT });
      assert.equal(errorOf(late.result).code, 'confirmation_expired');
    } finally {
      clock.advance(-(TEN_MINUTES + 1000));
    }
    assert.ok(await isMember(t, org.id, bob));
    const [event] = await auditEvents(t, org.id, 'expired');
    assert.equal(event?.action, 'confirmation.expired');
  });

  it('decides from the arguments whether a call is risky', async () => {
    const { org, bob, token } = await orgWithMember(t, { allowedDomains: ['example.com', 'acme.test'] });
    const asks = async (tool: string, args: Record<string, unknown>) =>
      (await modernToolCall(t.url, tool, args, { token, capabilities: FORM })).result?.resultType === 'input_required';
    assert.equal(await asks('update_member_role', { member: bob.email, role: 'admin' }), true, 'member -> admin gains permissions');
    assert.equal(await asks('invite_member', { email: `x-${Date.now()}@example.com`, role: 'admin' }), true, 'inviting an admin');
    assert.equal(await asks('invite_member', { email: `y-${Date.now()}@example.com`, role: 'member' }), false, 'inviting a member');
    assert.equal(await asks('update_allowed_email_domains', { add: ['new.test'] }), true, 'adding a domain widens');
    assert.equal(await asks('update_allowed_email_domains', { set: [] }), true, 'an empty list admits any domain');
    assert.equal(await asks('update_allowed_email_domains', { remove: ['acme.test'] }), false, 'removing a domain narrows');
    assert.equal(await asks('create_role', { name: 'Readers Plus', permissions: ['members:read'] }), false, 'a role within member permissions');
    assert.equal(await asks('create_role', { name: 'People Admin', permissions: ['members:manage'] }), true, 'a role beyond member permissions');
    assert.equal(await asks('update_organization', { name: 'Renamed' }), false, 'renaming');
    const org2 = await t.get(PrismaService).organization.findUniqueOrThrow({ where: { id: org.id } });
    assert.deepEqual(org2.allowedEmailDomains, ['example.com'], 'the narrowing ran at once; nothing risky ran');
  });
});

describe('clients without form elicitation confirm in the browser (/approvals/:id)', () => {
  let t: TestApp;
  let second: TestApp;
  before(async () => {
    t = await startTestApp();
    second = await startTestApp({ sharing: t });
  });
  after(async () => {
    await second.close();
    await t.close();
  });

  it('answers confirmation_required with the link; pending until Approve; then the same call plus approvalId runs once (audited as browser)', async () => {
    const { org, bob, owner, token, access } = await orgWithMember(t);
    const required = await modernToolCall(t.url, 'remove_member', { member: bob.email }, { token, capabilities: NONE });
    const error = errorOf(required.result);
    assert.equal(error.code, 'confirmation_required');
    const { approvalUrl, approvalId } = error.details;
    assert.equal(approvalUrl, `${t.config.publicUrl}/approvals/${approvalId}`);
    assert.match(error.message, /Remove Bob Member/);
    assert.match(error.hint, /approvalId/);
    assert.match(error.hint, new RegExp(approvalUrl.replace(/[.?]/g, '\\$&')));

    const pending = await modernToolCall(second.url, 'remove_member', { member: bob.email, approvalId }, { token });
    assert.equal(errorOf(pending.result).code, 'confirmation_pending');

    const browser = browserOf(t, access.sessionToken);
    const page = await browser.get(approvalPath(approvalUrl));
    assert.equal(page.res.status, 200);
    assert.match(page.text, /Remove Bob Member/);
    assert.match(page.text, />Approve</);
    assert.match(page.text, />Reject</);
    assert.equal(page.res.headers.get('x-frame-options'), 'DENY');
    assert.match(page.res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.ok(await isMember(t, org.id, bob), 'viewing the page changes nothing');

    const approved = await browser.decide(approvalPath(approvalUrl), 'approve');
    assert.equal(approved.res.status, 200);
    assert.match(approved.text, /<h1>Approved<\/h1>/);

    const done = await modernToolCall(second.url, 'remove_member', { member: bob.email, approvalId }, { token });
    assert.equal(done.result?.isError, undefined, JSON.stringify(done.body));
    assert.equal(await isMember(t, org.id, bob), false);
    const [event] = await auditEvents(t, org.id, 'browser');
    assert.equal(event?.action, 'member.removed');
    assert.equal((event!.details as Record<string, any>).approval.approvedByUserId, owner.id);
    assert.equal((event!.details as Record<string, any>).approval.approvalId, approvalId);

  });

  it('an approval works once', async () => {
    const { token, access } = await orgWithMember(t);
    const plugin = await modernToolCall(t.url, 'create_plugin', { name: `shared-${Date.now()}`, description: 'for everyone' }, { token });
    const grant = { resourceType: 'plugin', resourceId: plugin.result!.structuredContent.id, subjectType: 'org', role: 'viewer' };
    const { approvalId, approvalUrl } = errorOf((await modernToolCall(t.url, 'grant_access', grant, { token })).result).details;
    await browserOf(t, access.sessionToken).decide(approvalPath(approvalUrl), 'approve');
    const granted = await modernToolCall(t.url, 'grant_access', { ...grant, approvalId }, { token });
    assert.equal(granted.result?.structuredContent.subjectType, 'org', JSON.stringify(granted.body));
    for (const url of [t.url, second.url]) {
      const replay = await modernToolCall(url, 'grant_access', { ...grant, approvalId }, { token });
      assert.equal(errorOf(replay.result).code, 'confirmation_invalid');
    }
  });

  it('binds an approval to its call: other arguments, tool, user or grant get confirmation_invalid, and it works once', async () => {
    const { org, bob, owner, token, access } = await orgWithMember(t);
    const carol = await createUser(t, { name: 'Carol Member' });
    await addMember(t, org.slug, carol);
    const { approvalId, approvalUrl } = errorOf((await modernToolCall(t.url, 'remove_member', { member: bob.email }, { token })).result).details;
    await browserOf(t, access.sessionToken).decide(approvalPath(approvalUrl), 'approve');
    const attempt = async (tool: string, args: Record<string, unknown>, as = token) => errorOf((await modernToolCall(t.url, tool, { approvalId, ...args }, { token: as })).result).code;
    assert.equal(await attempt('remove_member', { member: carol.email }), 'confirmation_invalid');
    assert.equal(await attempt('update_member_role', { member: bob.email, role: 'admin' }), 'confirmation_invalid');
    assert.equal(await attempt('remove_member', { member: bob.email }, (await mintAccess(t, owner, org.id)).token), 'confirmation_invalid');
    assert.equal(await attempt('remove_member', { member: bob.email, approvalId: 'unknown-approval' }), 'confirmation_invalid');
    assert.ok(await isMember(t, org.id, bob));
    assert.ok(await isMember(t, org.id, carol));
  });

  it('Reject answers confirmation_declined and is audited as declined', async () => {
    const { org, bob, token, access } = await orgWithMember(t);
    const { approvalId, approvalUrl } = errorOf((await modernToolCall(t.url, 'remove_member', { member: bob.email }, { token })).result).details;
    const browser = browserOf(t, access.sessionToken);
    const csrf = /name="csrf" value="([^"]+)"/.exec((await browser.get(approvalPath(approvalUrl))).text)![1]!;
    const rejected = await browser.decide(approvalPath(approvalUrl), 'reject', csrf);
    assert.match(rejected.text, /<h1>Rejected<\/h1>/);
    const answer = await modernToolCall(t.url, 'remove_member', { member: bob.email, approvalId }, { token });
    assert.equal(errorOf(answer.result).code, 'confirmation_declined');
    assert.ok(await isMember(t, org.id, bob));
    const [event] = await auditEvents(t, org.id, 'declined');
    assert.equal((event!.details as Record<string, any>).via, 'browser');
    // A decided approval cannot be decided again, even with a form token from before.
    const late = await browser.decide(approvalPath(approvalUrl), 'approve', csrf);
    assert.match(late.text, /<h1>Rejected<\/h1>/);
  });

  it('the page: signed out goes through /sign-in and back; another user, a forged form or an expired approval change nothing', async () => {
    const { org, bob, token, access } = await orgWithMember(t);
    const { approvalId, approvalUrl } = errorOf((await modernToolCall(t.url, 'remove_member', { member: bob.email }, { token })).result).details;
    const path = approvalPath(approvalUrl);

    const signedOut = await browserOf(t, null).get(path);
    assert.equal(signedOut.res.status, 303);
    const location = new URL(signedOut.res.headers.get('location')!, t.url);
    assert.equal(location.pathname, '/sign-in');
    assert.equal(location.searchParams.get('return_to'), path);
    const postedSignedOut = await browserOf(t, null).decide(path, 'approve', 'x');
    assert.equal(postedSignedOut.res.status, 303);

    const bobAccess = await mintAccess(t, bob, org.id);
    const stranger = browserOf(t, bobAccess.sessionToken);
    const strangerView = await stranger.get(path);
    assert.equal(strangerView.res.status, 404);
    assert.doesNotMatch(strangerView.text, /Remove Bob/);
    await stranger.decide(path, 'approve');

    const owner = browserOf(t, access.sessionToken);
    for (const forged of ['', 'forged', 'A'.repeat(43)]) {
      const refused = await owner.decide(path, 'approve', forged);
      assert.equal(refused.res.status, 403);
    }
    const noDecision = await owner.decide(path, 'maybe' as 'approve');
    assert.equal(noDecision.res.status, 400);
    assert.equal(errorOf((await modernToolCall(t.url, 'remove_member', { member: bob.email, approvalId }, { token })).result).code, 'confirmation_pending');

    const csrf = /name="csrf" value="([^"]+)"/.exec((await owner.get(path)).text)![1]!;
    const clock = t.get(Clock);
    clock.advance(TEN_MINUTES + 1000);
    try {
      const expiredPage = await owner.get(path);
      assert.match(expiredPage.text, /<h1>Approval expired<\/h1>/);
      const tooLate = await owner.decide(path, 'approve', csrf);
      assert.match(tooLate.text, /<h1>Approval expired<\/h1>/);
      const expired = await modernToolCall(t.url, 'remove_member', { member: bob.email, approvalId }, { token });
      assert.equal(errorOf(expired.result).code, 'confirmation_expired');
    } finally {
      clock.advance(-(TEN_MINUTES + 1000));
    }
    assert.ok(await isMember(t, org.id, bob));
    assert.equal((await auditEvents(t, org.id, 'expired')).length, 1);
  });

  it('offers the same page as URL elicitation to 2026-07-28 clients that declare it', async () => {
    const { org, bob, token, access } = await orgWithMember(t);
    const first = await modernToolCall(t.url, 'remove_member', { member: bob.email }, { token, capabilities: URL_ONLY });
    assert.equal(first.result?.resultType, 'input_required');
    const ask = first.result!.inputRequests.confirm;
    assert.equal(ask.params.mode, 'url');
    assert.match(ask.params.url, new RegExp(`^${t.config.publicUrl}/approvals/`));
    const retry = { token, capabilities: URL_ONLY, requestState: first.result!.requestState as string, inputResponses: { confirm: { action: 'accept' } } };
    // The client's "accept" is not the person's decision: until the page says Approve, nothing happens.
    assert.equal(errorOf((await modernToolCall(second.url, 'remove_member', { member: bob.email }, retry)).result).code, 'confirmation_pending');
    await browserOf(t, access.sessionToken).decide(approvalPath(ask.params.url), 'approve');
    const done = await modernToolCall(second.url, 'remove_member', { member: bob.email }, retry);
    assert.equal(done.result?.isError, undefined, JSON.stringify(done.body));
    assert.equal(await isMember(t, org.id, bob), false);
  });

  it('works for an MCP SDK client on 2025-06-18, with the person pressing Approve in headless Chromium', async () => {
    const { org, bob, owner, token } = await orgWithMember(t);
    const client = await connectWithToken(t.url, token);
    try {
      const first = await callTool(client, 'remove_member', { member: bob.email });
      const error = toolError(first.result);
      assert.equal(error.code, 'confirmation_required');
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const summary = await decideApproval(page, error.details.approvalUrl as string, { email: owner.email, password: TEST_PASSWORD }, 'Approve');
        assert.match(summary, /Remove Bob Member/);
      } finally {
        await browser.close();
      }
      const done = await callTool(client, 'remove_member', { member: bob.email, approvalId: error.details.approvalId });
      assert.equal(done.isError, false, JSON.stringify(done.result));
    } finally {
      await client.close();
    }
    assert.equal(await isMember(t, org.id, bob), false);
  });
});

describe('the organization decides whether risky changes are confirmed (confirmRiskyChanges)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('lowering to never is confirmed only in the browser, never by a form answer; then risky changes run as policy-off; raising is immediate', async () => {
    const { org, bob, token, access } = await orgWithMember(t);
    // A form-capable client is still sent to the browser.
    const lowering = await modernToolCall(t.url, 'update_organization', { confirmRiskyChanges: 'never' }, { token, capabilities: FORM });
    const error = errorOf(lowering.result);
    assert.equal(error.code, 'confirmation_required');
    assert.match(error.message, /Stop asking for confirmation/);
    // A state minted for another call cannot stand in for the browser either.
    const form = await modernToolCall(t.url, 'remove_member', { member: bob.email }, { token, capabilities: FORM });
    const smuggled = await modernToolCall(t.url, 'update_organization', { confirmRiskyChanges: 'never' }, { token, capabilities: FORM, requestState: form.result!.requestState, inputResponses: ACCEPT });
    assert.equal(errorOf(smuggled.result).code, 'confirmation_invalid');
    const policy = async () => (await t.get(PrismaService).organization.findUniqueOrThrow({ where: { id: org.id } })).confirmRiskyChanges;
    assert.equal(await policy(), 'always');

    await browserOf(t, access.sessionToken).decide(approvalPath(error.details.approvalUrl), 'approve');
    const lowered = await modernToolCall(t.url, 'update_organization', { confirmRiskyChanges: 'never', approvalId: error.details.approvalId }, { token, capabilities: FORM });
    assert.equal(lowered.result?.structuredContent.confirmRiskyChanges, 'never');

    const removed = await modernToolCall(t.url, 'remove_member', { member: bob.email }, { token, capabilities: FORM });
    assert.equal(removed.result?.isError, undefined, JSON.stringify(removed.body));
    const [event] = await auditEvents(t, org.id, 'policy-off');
    assert.equal(event?.action, 'member.removed');

    const raised = await modernToolCall(t.url, 'update_organization', { confirmRiskyChanges: 'always' }, { token, capabilities: FORM });
    assert.equal(raised.result?.structuredContent.confirmRiskyChanges, 'always');
    const carol = await createUser(t);
    await addMember(t, org.slug, carol);
    const asked = await modernToolCall(t.url, 'remove_member', { member: carol.email }, { token, capabilities: FORM });
    assert.equal(asked.result?.resultType, 'input_required');
  });
});
