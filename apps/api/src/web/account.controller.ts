import { Controller, Get, Param, Post, Req, Res, UseFilters, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SessionsService } from '@app/identity';
import { ConnectedClientsService } from '@app/oauth';
import { html, page } from './html.js';
import { PageErrorFilter } from './page-error.filter.js';
import { PageSecurityInterceptor } from './page-security.interceptor.js';
import { CSRF_FIELD, WebSession } from './web-session.js';

const when = (date: Date | null) => (date ? date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : 'never');

/** The signed-in user's web sessions and connected MCP clients, each revocable at once. */
@Controller('account')
@UseInterceptors(PageSecurityInterceptor)
@UseFilters(PageErrorFilter)
export class AccountController {
  constructor(
    private readonly web: WebSession,
    private readonly sessions: SessionsService,
    private readonly clients: ConnectedClientsService,
  ) {}

  @Get()
  async show(@Req() req: Request, @Res() res: Response): Promise<void> {
    const session = await this.web.current(req);
    if (!session) return res.redirect(303, '/sign-in?return_to=%2Faccount');
    const [sessions, clients] = await Promise.all([this.sessions.listActive(session.user.id), this.clients.list(session.user.id)]);
    const csrf = html`<input type="hidden" name="${CSRF_FIELD}" value="${this.web.csrfToken(req, res, session)}">`;
    const revoke = (action: string, label: string) =>
      html`<form method="post" action="${action}" class="inline">${csrf}<button type="submit" aria-label="${label}">Revoke</button></form>`;
    res.type('html').send(
      page(
        'Your account',
        html`<h1>${session.user.name}</h1><p>${session.user.email}</p>
${
  session.user.emailVerified
    ? ''
    : html`<p class="error" role="alert">This address is not confirmed yet: follow the link in the message we sent to it before connecting MCP clients.</p>
<form method="post" action="/verify-email/resend">${csrf}<input type="hidden" name="return_to" value="/account"><button type="submit">Resend verification email</button></form>`
}
<form method="post" action="/sign-out">${csrf}<button type="submit">Sign out</button></form>
<h2>Connected MCP clients</h2>
${
  clients.length === 0
    ? html`<p>No MCP clients are connected.</p>`
    : html`<table><thead><tr><th>Client</th><th>Organization</th><th>Access</th><th>Connected</th><th></th></tr></thead><tbody>
${clients.map(
  (c) =>
    html`<tr><td>${c.clientName}</td><td>${c.organizationName}</td><td>${c.scope}</td><td>${when(c.connectedAt)}</td><td>${revoke(`/account/clients/${c.grantId}/revoke`, `Revoke ${c.clientName} in ${c.organizationName}`)}</td></tr>`,
)}</tbody></table>`
}
<h2>Signed-in sessions</h2>
<table><thead><tr><th>Device</th><th>Signed in</th><th>Last seen</th><th></th></tr></thead><tbody>
${sessions.map(
  (s) =>
    html`<tr><td>${s.userAgent ?? 'Unknown device'}${s.id === session.id ? html` <strong>(this browser)</strong>` : ''}</td><td>${when(s.createdAt)}</td><td>${when(s.lastSeenAt)}</td><td>${revoke(`/account/sessions/${s.id}/revoke`, `Revoke session from ${when(s.createdAt)}`)}</td></tr>`,
)}</tbody></table>`,
      ),
    );
  }

  @Post('sessions/:id/revoke')
  async revokeSession(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const session = await this.guard(req, res);
    if (!session) return;
    await this.sessions.revoke(session.user.id, id);
    if (id === session.id) {
      this.web.clearCookie(res);
      return res.redirect(303, '/sign-in');
    }
    res.redirect(303, '/account');
  }

  @Post('clients/:id/revoke')
  async revokeClient(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const session = await this.guard(req, res);
    if (!session) return;
    await this.clients.revoke(session.user.id, id);
    res.redirect(303, '/account');
  }

  private async guard(req: Request, res: Response) {
    const session = await this.web.current(req);
    if (!session) {
      res.redirect(303, '/sign-in?return_to=%2Faccount');
      return null;
    }
    if (!this.web.checkCsrf(req, session)) {
      res.status(403).type('html').send(page('Not allowed', html`<h1>Not allowed</h1><p class="error" role="alert">This form expired. Reload your account page and try again.</p>`));
      return null;
    }
    return session;
  }
}
