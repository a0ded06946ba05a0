import { Body, Controller, Get, HttpCode, Param, Post, Req, Res, UseFilters, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ActiveSession } from '@app/identity';
import { InvitationAcceptanceService, InvitationUnusableError, type InvitationPreview } from '@app/members';
import { DomainError, httpStatusFor } from '@app/shared';
import { html, page, type SafeHtml } from './html.js';
import { PageErrorFilter } from './page-error.filter.js';
import { PageSecurityInterceptor, restrictFormsToThisSite } from './page-security.interceptor.js';
import { CSRF_FIELD, WebSession } from './web-session.js';

function field(body: unknown, name: string): string | undefined {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

const UNUSABLE: Record<InvitationUnusableError['reason'], { title: string; text: string }> = {
  unknown: { title: 'Invitation not found', text: 'This invitation link is not valid. Check that you copied the whole link, or ask for a new invitation.' },
  expired: { title: 'Invitation expired', text: 'This invitation has expired. Ask an administrator of the organization to invite you again.' },
  revoked: { title: 'Invitation revoked', text: 'This invitation was withdrawn by the organization. Ask an administrator if you think this is a mistake.' },
  accepted: { title: 'Invitation already used', text: 'This invitation has already been accepted. Sign in to OpenWork Cloud with your account to continue.' },
};

interface FormView {
  preview: InvitationPreview;
  session: ActiveSession | null;
  action: string;
  error?: string;
  name?: string;
}

/** GET/POST /invitations/:token — the invitee creates their account (or signs in at /sign-in) and joins. */
@Controller('invitations')
@UseInterceptors(PageSecurityInterceptor)
@UseFilters(PageErrorFilter)
export class InvitationController {
  constructor(
    private readonly web: WebSession,
    private readonly acceptance: InvitationAcceptanceService,
  ) {}

  @Get(':token')
  async show(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      const preview = await this.acceptance.preview(token);
      const session = await this.web.current(req);
      res.type('html').send(this.form(req, res, { preview, session, action: actionFor(token) }));
    } catch (error) {
      this.fail(res, error);
    }
  }

  @Post(':token')
  @HttpCode(200)
  async accept(@Param('token') token: string, @Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const session = await this.web.current(req);
    if (!this.web.checkCsrf(req, session)) {
      const action = actionFor(token);
      res.status(403).type('html').send(
        page('Please try again', html`<h1>Please try again</h1>
<p>This form expired or was not sent from this page. <a href="${action}">Open the invitation again</a> and resubmit.</p>`),
      );
      return;
    }
    const name = field(body, 'name');
    try {
      const accepted = await this.acceptance.accept(token, { signedIn: session?.user ?? null, name, password: field(body, 'password') });
      res.type('html').send(
        page(`Welcome to ${accepted.organizationName}`, html`<h1>You have joined ${accepted.organizationName}</h1>
<p>You are now a member (role <strong>${accepted.role}</strong>) as <strong>${accepted.email}</strong>.</p>
<p>Connect your MCP client to OpenWork Cloud and choose ${accepted.organizationName} when it asks for an organization.</p>`),
      );
    } catch (error) {
      if (error instanceof DomainError && !(error instanceof InvitationUnusableError)) {
        try {
          const preview = await this.acceptance.preview(token);
          res.status(httpStatusFor(error.category)).type('html').send(this.form(req, res, { preview, session, action: actionFor(token), error: error.message, name }));
          return;
        } catch (previewError) {
          error = previewError;
        }
      }
      this.fail(res, error);
    }
  }

  private form(req: Request, res: Response, view: FormView): string {
    restrictFormsToThisSite(res);
    const { preview: p, session } = view;
    const who = p.inviterName ? html`${p.inviterName} invited you` : 'You have been invited';
    const heading = html`<h1>Join ${p.organizationName}</h1>
<p>${who} to join <strong>${p.organizationName}</strong> as <strong>${p.role}</strong>.</p>
${view.error ? html`<p class="error" role="alert" id="form-error">${view.error}</p>` : ''}`;
    const signedInEmail = session?.user.email ?? null;
    const signedInAsInvitee = signedInEmail !== null && signedInEmail.toLowerCase() === p.email.toLowerCase();
    if (signedInEmail !== null && !signedInAsInvitee) {
      // Someone else's session (the inviter's, say): one page whether or not the invited address has an
      // account, and no form. The invitee, signed out, sees what they need.
      return page(`Join ${p.organizationName}`, html`<h1>Join ${p.organizationName}</h1>
<p>${who} to join <strong>${p.organizationName}</strong> as <strong>${p.role}</strong>.</p>
<p>You are signed in as <strong>${signedInEmail}</strong>, not as the invited address. <a href="/account">Sign out on your account page</a>, then open this link again.</p>`);
    }
    if (p.accountExists && !signedInAsInvitee) {
      // No password field here: an existing account proves itself only through /sign-in and its limits.
      const signInUrl = `/sign-in?return_to=${encodeURIComponent(view.action)}`;
      return page(`Join ${p.organizationName}`, html`${heading}
<p>An OpenWork Cloud account already uses <strong>${p.email}</strong>. Sign in as ${p.email}; you come back here to accept.</p>
<p><a href="${signInUrl}">Sign in to accept</a></p>`);
    }
    const describedBy = view.error ? html` aria-describedby="form-error"` : '';
    const fields: SafeHtml = signedInAsInvitee
      ? html`<p>You are signed in as <strong>${p.email}</strong>.</p>
<button type="submit">Join ${p.organizationName}</button>`
      : html`<p>Create your OpenWork Cloud account for <strong>${p.email}</strong> to accept.</p>
<label for="name">Name</label>
<input id="name" name="name" type="text" autocomplete="name" maxlength="100" required value="${view.name ?? ''}"${describedBy}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="10" maxlength="256" required${describedBy}>
<button type="submit">Create account and join</button>`;
    return page(`Join ${p.organizationName}`, html`${heading}
<form method="post" action="${view.action}">
<input type="hidden" name="${CSRF_FIELD}" value="${this.web.csrfToken(req, res, session)}">
${fields}
</form>`);
  }

  private fail(res: Response, error: unknown): void {
    if (error instanceof InvitationUnusableError) {
      const text = UNUSABLE[error.reason];
      res.status(error.reason === 'unknown' ? 404 : 410).type('html').send(page(text.title, html`<h1>${text.title}</h1>\n<p>${text.text}</p>`));
      return;
    }
    throw error;
  }
}

function actionFor(token: string): string {
  return `/invitations/${encodeURIComponent(token)}`;
}
