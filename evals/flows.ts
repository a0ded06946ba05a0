import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Account } from '@app/identity';
import { PrismaService } from '@app/shared';
import type { Browser, BrowserContext } from 'playwright-core';
import { addMember, createOrg, createUser, TEST_PASSWORD } from '../test/support/fixtures.js';
import { invitationLinkTo, type TestSmtpServer } from '../test/support/smtp.js';
import type { TestApp } from '../test/support/test-app.js';
import { decideApproval } from './support/chromium.js';
import { callTool, fails, ok } from '../test/support/mcp.js';
import { connectThroughBrowser, type Connection } from './support/connect.js';

// The organization of evals/cloud-mcp-agent-flows.md.
export const ORG_NAME = 'Acme Robotics';
export const OTHER_ORG_NAME = 'Acme Labs';
export const CLIENT_NAME = 'Claude Code';

export interface EvalContext {
  server: TestApp;
  /** Where the server's mail goes: what Omar and the others receive. */
  smtp: TestSmtpServer;
  prisma: PrismaService;
  chromium: Browser;
  screenshotsDir: string;
  olivia: Account;
  priya: Account;
  orgId: string;
  owner?: Connection;
  /** Olivia's browser: signed in once for the consent, then used for every approval. */
  ownerBrowser?: BrowserContext;
  teammate?: Connection;
  close(): Promise<void>;
}

export async function prepareWorld(server: TestApp, smtp: TestSmtpServer, chromium: Browser, screenshotsDir: string): Promise<EvalContext> {
  // The flows assert exact end states (one invitation, one marketplace, ...): they need an empty database.
  if ((await server.get(PrismaService).user.count()) > 0) throw new Error('evals need a fresh database: create a new one for DATABASE_URL');
  const olivia = await createUser(server, { email: 'olivia@acme.test', name: 'Olivia Owner' });
  const priya = await createUser(server, { email: 'priya@acme.test', name: 'Priya Patel' });
  // Three seats: Olivia and Priya use two, so exactly one invitation fits.
  // The product default: risky changes wait for Olivia's Approve in her browser.
  const org = await createOrg(server, olivia, { name: ORG_NAME, seats: 3, allowedDomains: ['acme.test'], confirmRiskyChanges: 'always' });
  await addMember(server, org.slug, priya, 'member');
  // A second organization, so the consent page is a real choice.
  await createOrg(server, olivia, { name: OTHER_ORG_NAME });
  const ctx: EvalContext = {
    server,
    smtp,
    prisma: server.get(PrismaService),
    chromium,
    screenshotsDir,
    olivia,
    priya,
    orgId: org.id,
    async close() {
      await Promise.all([ctx.owner, ctx.teammate].map((c) => c?.close().catch(() => undefined)));
    },
  };
  return ctx;
}

/** Olivia's connection, made once through the browser (the first flow that needs it pays for it). */
async function ownerConnection(ctx: EvalContext): Promise<Connection> {
  if (!ctx.owner) {
    const context = await ctx.chromium.newContext();
    ctx.ownerBrowser = context;
    ctx.owner = await connectThroughBrowser(ctx.server.url, context, { email: ctx.olivia.email, password: TEST_PASSWORD, orgName: ORG_NAME }, CLIENT_NAME, {
      signIn: join(ctx.screenshotsDir, 'sign-in.png'),
      chooser: join(ctx.screenshotsDir, 'organization-chooser.png'),
    });
  }
  return ctx.owner;
}

/**
 * A risky change as a client without elicitation makes it: the call answers confirmation_required with a
 * link, Olivia presses Approve on that page in her browser, and the same call plus approvalId runs.
 */
async function confirmedByOwner<T = Record<string, any>>(ctx: EvalContext, tool: string, args: Record<string, unknown>, expectSummary: RegExp): Promise<T> {
  const { client } = await ownerConnection(ctx);
  const asked = await fails(client, tool, args, 'confirmation_required');
  const approvalUrl = String(asked.details.approvalUrl);
  assert.ok(approvalUrl.startsWith(`${ctx.server.url}/approvals/`), approvalUrl);
  assert.match(asked.hint ?? '', /approvalId/);
  const page = await ctx.ownerBrowser!.newPage();
  try {
    const summary = await decideApproval(page, approvalUrl, { email: ctx.olivia.email, password: TEST_PASSWORD }, 'Approve');
    assert.match(summary, expectSummary);
  } finally {
    await page.close();
  }
  return ok<T>(client, tool, { ...args, approvalId: asked.details.approvalId });
}

async function auditActions(ctx: EvalContext): Promise<string[]> {
  const events = await ctx.prisma.auditEvent.findMany({ where: { orgId: ctx.orgId }, orderBy: { createdAt: 'asc' } });
  return events.map((e) => e.action);
}

export interface Flow {
  name: string;
  prompt: string;
  run(ctx: EvalContext): Promise<void>;
}

export const flows: Flow[] = [
  {
    name: 'check identity',
    prompt: 'Which OpenWork Cloud organization am I connected to?',
    async run(ctx) {
      const { client } = await ownerConnection(ctx);
      const me = await ok(client, 'get_current_identity');
      assert.equal(me.organization.name, ORG_NAME);
      assert.equal(me.organization.id, ctx.orgId);
      assert.equal(me.account.email, 'olivia@acme.test');
      assert.equal(me.role, 'owner');
      assert.deepEqual([...me.grantedScopes].sort(), ['mcp:read', 'mcp:write']);
      assert.equal(me.client.name, CLIENT_NAME);

      // The browser step left exactly one live consent: this client, this user, the chosen organization.
      const registered = await ctx.prisma.oAuthClient.findUniqueOrThrow({ where: { id: me.client.id } });
      assert.equal(registered.kind, 'dynamic');
      assert.equal(registered.tokenEndpointAuthMethod, 'none');
      assert.match(registered.redirectUris[0]!, /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
      const grants = await ctx.prisma.grant.findMany({ where: { clientId: registered.id, userId: ctx.olivia.id } });
      assert.deepEqual(grants.map((g) => [g.orgId, g.revokedAt]), [[ctx.orgId, null]]);
      assert.equal(grants[0]!.resource, ctx.server.config.mcpResourceUrl);
      // Reading changes nothing.
      assert.deepEqual(await auditActions(ctx), []);
    },
  },
  {
    name: 'invite a teammate (domain fix, seat limit)',
    prompt: 'Add omar@example.com to my organization. Then add zoe@example.com too.',
    async run(ctx) {
      const { client } = await ownerConnection(ctx);
      const org = await ok(client, 'get_organization');
      assert.deepEqual(org.allowedEmailDomains, ['acme.test']);

      const domain = await fails(client, 'invite_member', { email: 'omar@example.com' }, 'email_domain_not_allowed');
      assert.equal(domain.details.domain, 'example.com');
      assert.match(domain.hint ?? '', /update_allowed_email_domains/);
      // Widening who can be invited is Olivia's call: she approves it in the browser.
      await confirmedByOwner(ctx, 'update_allowed_email_domains', { add: ['example.com'] }, /Allow invitations to Acme Robotics from example\.com/);
      const invited = await ok(client, 'invite_member', { email: 'omar@example.com' });
      assert.equal(invited.invitation.status, 'pending');
      assert.deepEqual(invited.delivery, { status: 'queued', to: 'omar@example.com' });
      // The link reaches Omar by mail; Olivia's agent never holds it.
      assert.doesNotMatch(JSON.stringify(invited), /\/invitations\//);
      const link = await invitationLinkTo(ctx.smtp, ctx.server, 'omar@example.com', { org: ORG_NAME });
      const [mail] = ctx.smtp.to('omar@example.com');
      assert.equal(mail!.subject, `Olivia Owner invited you to join ${ORG_NAME} on OpenWork Cloud`);
      assert.match(mail!.text, /olivia@acme\.test/);
      const page = await fetch(link);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /Olivia Owner invited you to join <strong>Acme Robotics<\/strong> as <strong>member<\/strong>/);
      // Olivia's agent can tell her the mail went out.
      for (let i = 0; ; i++) {
        const listed = await ok(client, 'list_invitations', { query: 'omar' });
        if (listed.items[0]?.delivery?.status === 'sent') break;
        assert.ok(i < 50, `Omar's invitation mail not sent: ${JSON.stringify(listed.items[0]?.delivery)}`);
        await new Promise((r) => setTimeout(r, 200));
      }

      // Olivia, Priya and Omar's pending invitation fill the three seats: a refusal with the billing rule.
      const seats = await fails(client, 'invite_member', { email: 'zoe@example.com' }, 'seat_limit_reached');
      assert.deepEqual([seats.details.seatLimit, seats.details.seatsUsed, seats.details.plan], [3, 3, 'free']);
      assert.equal(seats.details.billingUrl, `${ctx.server.url}/billing`);
      assert.match(String(seats.details.billingRule), /active member and every pending .*invitation uses a seat/);

      const row = await ctx.prisma.organization.findUniqueOrThrow({ where: { id: ctx.orgId } });
      assert.deepEqual([...row.allowedEmailDomains].sort(), ['acme.test', 'example.com']);
      const invitations = await ctx.prisma.invitation.findMany({ where: { orgId: ctx.orgId } });
      assert.deepEqual(invitations.map((i) => [i.email, i.role, i.status, i.invitedByUserId]), [['omar@example.com', 'member', 'pending', ctx.olivia.id]]);
      const mails = await ctx.prisma.outboxMessage.findMany({ where: { kind: 'invitation' } });
      assert.deepEqual(mails.map((m) => [m.recipient, m.id]), [['omar@example.com', invitations[0]!.outboxMessageId]]);
      // Refusals write nothing; the two changes are audited with the client that made them.
      assert.deepEqual(await auditActions(ctx), ['organization.allowed_email_domains_updated', 'invitation.created']);
      const events = await ctx.prisma.auditEvent.findMany({ where: { orgId: ctx.orgId }, orderBy: { createdAt: 'asc' } });
      assert.ok(events.every((e) => e.actorUserId === ctx.olivia.id && e.clientId === ctx.owner!.provider.clientInformation()?.client_id));
      assert.deepEqual(events.map((e) => e.approval), ['browser', null]);
    },
  },
  {
    name: 'assign to a team (active member, pending invitee)',
    prompt: 'Assign Priya to the Sales team. Put Omar on Sales too.',
    async run(ctx) {
      const { client } = await ownerConnection(ctx);
      const teams = await ok(client, 'list_teams', {});
      assert.equal(teams.items.some((t: { name: string }) => t.name === 'Sales'), false);
      const sales = await ok(client, 'create_team', { name: 'Sales' });
      // People by name, as the user said it: one lookup shows members and invitees alike.
      const found = await ok(client, 'find_people', { query: 'Priya' });
      assert.deepEqual(found.people.map((p: { status: string; email: string }) => [p.status, p.email]), [['active', 'priya@acme.test']]);
      const added = await ok(client, 'add_team_member', { team: 'sales', member: 'Priya Patel' });
      assert.equal(added.added, true);

      const omar = await ok(client, 'find_people', { query: 'omar' });
      assert.deepEqual(omar.people.map((p: { status: string }) => p.status), ['invited']);
      const linkBefore = (await ctx.prisma.invitation.findFirstOrThrow({ where: { orgId: ctx.orgId } })).tokenHash;
      const pending = await fails(client, 'add_team_member', { team: 'Sales', member: 'omar@example.com' }, 'member_pending_invitation');
      // What the hint says, literally: the same invitation carries the team; no extra seat, no new link.
      const call = /update_invitation with (\{.*?\})/.exec(pending.hint ?? '');
      assert.ok(call, pending.hint ?? '');
      const updated = await ok(client, 'update_invitation', JSON.parse(call[1]!));
      assert.equal(updated.changed, true);
      assert.equal(updated.invitation.role, 'member');
      assert.equal((await ctx.prisma.invitation.findFirstOrThrow({ where: { orgId: ctx.orgId } })).tokenHash, linkBefore);

      const members = await ctx.prisma.teamMembership.findMany({ where: { teamId: sales.id }, include: { membership: true } });
      assert.deepEqual(members.map((m) => m.membership.userId), [ctx.priya.id]);
      const invitations = await ctx.prisma.invitation.findMany({ where: { orgId: ctx.orgId } });
      assert.deepEqual(invitations.map((i) => [i.email, i.status, i.teamIds]), [['omar@example.com', 'pending', [sales.id]]]);
      const org = await ok(client, 'get_organization');
      assert.equal(org.seatsUsed, 3);
    },
  },
  {
    name: 'create and share a skill org-wide, the teammate sees it',
    prompt: 'Create a skill that writes weekly status reports and share it with my whole organization.',
    async run(ctx) {
      const { client } = await ownerConnection(ctx);
      const skill = await ok(client, 'create_skill', {
        content: '---\nname: weekly-status-report\ndescription: Writes a weekly status report from the week\'s notes, tickets and commits.\n---\n# Weekly status report\n\nCollect what shipped, what slipped and what is next; write three short sections.\n',
      });
      // No marketplace yet: share_skill creates the organization's first one instead of the agent guessing a name.
      assert.deepEqual((await ok(client, 'list_marketplaces', {})).items, []);
      // The skill by its name, as the user would say it; sharing org-wide is Olivia's call, approved in the browser.
      const shared = await confirmedByOwner(ctx, 'share_skill', { skill: 'weekly-status-report' }, /Share the skill "weekly-status-report" with everyone in Acme Robotics/);
      assert.equal(shared.skill.id, skill.id);
      assert.deepEqual([shared.plugin.created, shared.componentAdded, shared.marketplace.created, shared.published, shared.grant.created], [true, true, true, true, true]);

      // Trap: creating "the marketplace" again. The refusal names the existing one; repeating share_skill creates nothing.
      const duplicate = await fails(client, 'create_marketplace', { name: shared.marketplace.name }, 'already_exists');
      assert.equal(duplicate.details.existingId, shared.marketplace.id);
      const again = await confirmedByOwner(ctx, 'share_skill', { skill: 'Weekly-Status-Report' }, /weekly-status-report/);
      assert.equal(again.plugin.id, shared.plugin.id);
      assert.equal(again.grant.created, false);

      const p = ctx.prisma;
      const where = { orgId: ctx.orgId };
      assert.deepEqual((await p.configObject.findMany({ where })).map((o) => [o.type, o.name, o.latestVersion]), [['skill', 'weekly-status-report', 1]]);
      assert.deepEqual((await p.plugin.findMany({ where })).map((o) => o.name), ['weekly-status-report']);
      assert.deepEqual((await p.pluginComponent.findMany({ where })).map((c) => [c.pluginId, c.configObjectId]), [[shared.plugin.id, skill.id]]);
      assert.equal(await p.marketplace.count({ where }), 1);
      assert.deepEqual((await p.marketplacePlugin.findMany({ where })).map((l) => [l.marketplaceId, l.pluginId]), [[shared.marketplace.id, shared.plugin.id]]);
      const grants = await p.accessGrant.findMany({ where });
      assert.deepEqual(grants.map((g) => [g.resourceType, g.pluginId, g.subjectType, g.role]), [['plugin', shared.plugin.id, 'org', 'viewer']]);

      // Priya, in her own browser and her own client, finds it in the marketplace.
      const context = await ctx.chromium.newContext();
      ctx.teammate = await connectThroughBrowser(ctx.server.url, context, { email: ctx.priya.email, password: TEST_PASSWORD, orgName: ORG_NAME }, 'Cursor');
      const teammate = ctx.teammate.client;
      assert.equal((await ok(teammate, 'get_current_identity')).role, 'member');
      const visible = await ok(teammate, 'list_marketplace_plugins', {});
      assert.deepEqual(visible.items.map((i: { plugin: { name: string }; role: string }) => [i.plugin.name, i.role]), [['weekly-status-report', 'viewer']]);
      // A member may install it, not re-share it.
      await fails(teammate, 'share_skill', { skill: 'weekly-status-report' }, 'permission_denied');
      // Her list holds only what a member can use: share_skill is not in it (though calling it is answered
      // with permission_denied above, not "unknown tool"), nor are the people-management tools.
      const teammateTools = (await teammate.listTools()).tools.map((t) => t.name);
      assert.ok(teammateTools.includes('list_marketplace_plugins'));
      for (const hidden of ['share_skill', 'invite_member', 'remove_member', 'create_role', 'list_audit_events']) {
        assert.ok(!teammateTools.includes(hidden), `a member's tool list shows ${hidden}`);
      }
      assert.equal((await callTool(teammate, 'get_skill', { skill: 'weekly-status-report' })).isError, false);
    },
  },
  {
    name: 'remove a member (confirmed in the browser)',
    prompt: 'Priya has left the company. Remove her from my organization.',
    async run(ctx) {
      const { client } = await ownerConnection(ctx);
      const found = await ok(client, 'list_members', { query: 'Priya' });
      assert.equal(found.items.length, 1);
      const removed = await confirmedByOwner(ctx, 'remove_member', { member: found.items[0].id }, /Remove Priya Patel <priya@acme\.test> \(role member\) from Acme Robotics/);
      assert.equal(removed.removed.email, 'priya@acme.test');
      assert.equal(await ctx.prisma.membership.count({ where: { orgId: ctx.orgId, userId: ctx.priya.id } }), 0);
      // Her own client loses access at its next request.
      if (ctx.teammate) assert.equal((await callTool(ctx.teammate.client, 'get_current_identity').catch(() => ({ isError: true }))).isError, true);
      const event = await ctx.prisma.auditEvent.findFirstOrThrow({ where: { orgId: ctx.orgId, action: 'member.removed' } });
      assert.equal(event.approval, 'browser');
      assert.equal((event.details as { approval: { approvedByUserId: string } }).approval.approvedByUserId, ctx.olivia.id);
      const listed = await ok(client, 'list_audit_events', { approval: 'browser' });
      const actions = listed.items.map((e: { action: string; approval: string }) => [e.action, e.approval]);
      assert.deepEqual(actions[0], ['member.removed', 'browser']);
      assert.deepEqual(actions.at(-1), ['organization.allowed_email_domains_updated', 'browser']);
      assert.ok(actions.some(([action]: string[]) => action === 'skill.shared'));
      assert.ok(actions.every(([, approval]: string[]) => approval === 'browser'));
    },
  },
];
