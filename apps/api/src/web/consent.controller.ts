import { Body, Controller, Get, Post, Query, Req, Res, UseFilters, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ActiveSession } from '@app/identity';
import {
  AuthorizationPageError,
  AuthorizationRedirectError,
  AuthorizationService,
  SCOPE_OFFLINE,
  SCOPE_READ,
  SCOPE_WRITE,
  type AuthorizationRequest,
} from '@app/oauth';
import { html, page } from './html.js';
import { PageErrorFilter } from './page-error.filter.js';
import { PageSecurityInterceptor } from './page-security.interceptor.js';
import { CSRF_FIELD, WebSession } from './web-session.js';

const SCOPE_WORDS: Record<string, string> = {
  [SCOPE_READ]: 'Read your organization: members, teams, catalog, workers and settings',
  [SCOPE_WRITE]: 'Make changes in your organization on your behalf',
  [SCOPE_OFFLINE]: 'Stay connected until you revoke it (refresh tokens)',
};

interface ConsentForm {
  request?: unknown;
  org?: unknown;
  decision?: unknown;
}

/** The browser half of the authorization code flow: /oauth/authorize, then sign-in, then consent. */
@Controller('oauth')
@UseInterceptors(PageSecurityInterceptor)
@UseFilters(PageErrorFilter)
export class ConsentController {
  constructor(
    private readonly authorization: AuthorizationService,
    private readonly web: WebSession,
  ) {}

  @Get('authorize')
  async authorize(@Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    let request: AuthorizationRequest;
    try {
      request = await this.authorization.validate(query);
    } catch (error) {
      return this.fail(res, error);
    }
    const consent = `/oauth/consent?${new URLSearchParams({ request: this.authorization.seal(request) })}`;
    if (await this.web.current(req)) return res.redirect(303, consent);
    res.redirect(303, `/sign-in?${new URLSearchParams({ return_to: consent })}`);
  }

  @Get('consent')
  async show(@Query('request') sealed: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const session = await this.web.current(req);
    if (!session) return res.redirect(303, `/sign-in?${new URLSearchParams({ return_to: req.originalUrl })}`);
    try {
      const request = this.authorization.open(sealed);
      res.type('html').send(await this.render(req, res, session, request, sealed as string));
    } catch (error) {
      this.fail(res, error);
    }
  }

  @Post('consent')
  async decide(@Body() body: ConsentForm, @Req() req: Request, @Res() res: Response): Promise<void> {
    const session = await this.web.current(req);
    if (!session) return this.errorPage(res, 401, 'You are signed out. Start again from the application.');
    if (!this.web.checkCsrf(req, session)) return this.errorPage(res, 403, 'This form expired or did not come from this site. Start again from the application.');
    try {
      const request = this.authorization.open(body?.request);
      if (body?.decision === 'deny') return res.redirect(303, this.authorization.deny(request));
      if (body?.decision !== 'allow') return this.errorPage(res, 400, 'Choose Allow or Deny.');
      if (!session.user.emailVerified) return this.errorPage(res, 403, 'Confirm your email address before connecting an MCP client.');
      res.redirect(303, await this.authorization.approve(request, { userId: session.user.id, sessionId: session.id }, body.org));
    } catch (error) {
      this.fail(res, error);
    }
  }

  private async render(req: Request, res: Response, session: ActiveSession, request: AuthorizationRequest, sealed: string): Promise<string> {
    const view = await this.authorization.consentView(request, session.user.id);
    const csrf = this.web.csrfToken(req, res, session);
    const hidden = html`<input type="hidden" name="${CSRF_FIELD}" value="${csrf}"><input type="hidden" name="request" value="${sealed}">`;
    // Dynamically registered and metadata-document clients name themselves: say so next to the name.
    const unverified = view.clientVerified ? '' : html` <span class="badge">Unverified app</span>`;
    const clientName = html`<bdi>${view.clientName}</bdi>`;
    if (!session.user.emailVerified) {
      return page(
        'Confirm your email',
        html`<h1>Confirm your email address first</h1>
<p><strong>${clientName}</strong>${unverified} asks to manage an OpenWork Cloud organization for you. Before any client can connect,
confirm that <strong>${session.user.email}</strong> is your address: follow the link in the message we sent you, then reload this page.</p>
<form method="post" action="/verify-email/resend"><input type="hidden" name="${CSRF_FIELD}" value="${csrf}"><input type="hidden" name="return_to" value="${req.originalUrl}"><button type="submit">Resend verification email</button></form>
<form method="post" action="/oauth/consent">${hidden}<button type="submit" name="decision" value="deny">Deny</button></form>`,
      );
    }
    if (view.organizations.length === 0) {
      return page(
        'No organization',
        html`<h1>You are not in any organization yet</h1>
<p><strong>${clientName}</strong>${unverified} asks to manage an OpenWork Cloud organization for you, but ${session.user.email} is not a member of one.
Ask an admin of your organization to invite you, then connect again.</p>
<form method="post" action="/oauth/consent">${hidden}<button type="submit" name="decision" value="deny">Deny</button></form>`,
      );
    }
    return page(
      'Allow access',
      html`<h1>Allow ${clientName} to use OpenWork Cloud?</h1>
${view.clientVerified ? '' : html`<p>${unverified} This app registered itself; OpenWork Cloud has not checked who publishes it. Allow it only if you started this connection.</p>`}
<p>Signed in as <strong>${session.user.email}</strong>. After you answer, you go back to <strong>${view.redirectHost}</strong>.</p>
<p>It will be able to:</p>
<ul>${view.scopes.map((s) => html`<li>${SCOPE_WORDS[s] ?? s} <span class="muted">(${s})</span></li>`)}</ul>
<form method="post" action="/oauth/consent">${hidden}
<fieldset><legend>Organization</legend>
${view.organizations.map(
  (org, i) => html`<div><input type="radio" id="org-${org.id}" name="org" value="${org.id}"${i === 0 ? html` checked` : ''}> <label class="inline" for="org-${org.id}">${org.name}</label></div>`,
)}
</fieldset>
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>
<p class="muted">Client ID: ${view.clientId}</p>`,
    );
  }

  private fail(res: Response, error: unknown): void {
    if (error instanceof AuthorizationRedirectError) return res.redirect(303, error.redirectTo);
    if (error instanceof AuthorizationPageError) return this.errorPage(res, 400, error.message);
    throw error;
  }

  private errorPage(res: Response, status: number, message: string): void {
    res
      .status(status)
      .type('html')
      .send(page('Cannot continue', html`<h1>This sign-in cannot continue</h1><p class="error" role="alert">${message}</p><p>Return to the application and try connecting again.</p>`));
  }
}
