import { Body, Controller, Get, HttpCode, Param, Post, Req, Res, UseFilters, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { EmailVerificationService, RateLimitedError } from '@app/identity';
import { SignUpService } from '@app/onboarding';
import { AppConfig, DomainError } from '@app/shared';
import { formField, html, notFoundPage, page, pageStatusFor } from './html.js';
import { ownerFields, type OwnerFormValues } from './owner-form.js';
import { PageErrorFilter } from './page-error.filter.js';
import { PageSecurityInterceptor } from './page-security.interceptor.js';
import { CSRF_FIELD, safeReturnTo, WebSession } from './web-session.js';

/** GET/POST /sign-up (SIGN_UP=open only), GET /verify-email/:token and the resend button. */
@Controller()
@UseInterceptors(PageSecurityInterceptor)
@UseFilters(PageErrorFilter)
export class SignUpController {
  constructor(
    private readonly signUps: SignUpService,
    private readonly verification: EmailVerificationService,
    private readonly web: WebSession,
    private readonly config: AppConfig,
  ) {}

  @Get('sign-up')
  form(@Req() req: Request, @Res() res: Response): void {
    if (!this.signUps.isOpen) return void res.status(404).type('html').send(notFoundPage());
    res.type('html').send(this.render(req, res, {}));
  }

  @Post('sign-up')
  @HttpCode(200)
  async submit(@Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.signUps.isOpen) return void res.status(404).type('html').send(notFoundPage());
    const values = { name: formField(body, 'name', 300), email: formField(body, 'email', 300), organizationName: formField(body, 'organizationName', 300) };
    if (!this.web.checkCsrf(req, null)) {
      return void res.status(403).type('html').send(this.render(req, res, values, 'This form expired. Please submit it again.'));
    }
    try {
      const { email } = await this.signUps.signUp({ ...values, password: formField(body, 'password', 1000) }, req.ip ?? 'unknown');
      res.type('html').send(
        page(
          'Check your email',
          html`<h1>Check your email</h1>
<p class="ok" role="status">We sent a message to <strong>${email}</strong>. Follow the link in it to confirm the address; it works for 24 hours.</p>
<p>You can <a href="/sign-in">sign in</a> now, but you can connect MCP clients only once the address is confirmed.</p>`,
        ),
      );
    } catch (error) {
      if (error instanceof RateLimitedError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
      if (error instanceof DomainError) {
        const message = error instanceof RateLimitedError ? `Too many sign-up attempts. ${error.hint}` : error.message;
        return void res.status(pageStatusFor(error)).type('html').send(this.render(req, res, values, message));
      }
      throw error;
    }
  }

  // A GET that changes state, because a mail client can only open links; the token is single use and
  // only ever confirms the address it was sent to.
  @Get('verify-email/:token')
  async verify(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const account = await this.verification.verify(token);
    if (!account) {
      const session = await this.web.current(req);
      return void res
        .status(404)
        .type('html')
        .send(
          page(
            'Link not valid',
            html`<h1>This link does not work</h1>
<p class="error" role="alert">The confirmation link is wrong, was already used, or has expired.</p>
<p>${session && !session.user.emailVerified ? html`Ask for a new one from <a href="/account">your account</a>.` : html`<a href="/sign-in">Sign in</a> to ask for a new one.`}</p>`,
          ),
        );
    }
    res.type('html').send(
      page(
        'Email confirmed',
        html`<h1>Email confirmed</h1><p class="ok" role="status"><strong>${account.email}</strong> is confirmed. You can now connect MCP clients to your organization.</p>
<p><a href="/">Connect a client</a> · <a href="/account">Your account</a></p>`,
      ),
    );
  }

  @Post('verify-email/resend')
  @HttpCode(200)
  async resend(@Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const session = await this.web.current(req);
    const returnTo = safeReturnTo(formField(body, 'return_to', 4000), this.config.publicUrl);
    if (!session) return void res.redirect(303, `/sign-in?${new URLSearchParams({ return_to: returnTo })}`);
    if (!this.web.checkCsrf(req, session)) {
      return void res.status(403).type('html').send(page('Not allowed', html`<h1>Not allowed</h1><p class="error" role="alert">This form expired. Go back, reload the page and try again.</p>`));
    }
    try {
      await this.verification.resend(session.user.id, req.ip ?? 'unknown');
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
      res.setHeader('Retry-After', String(error.retryAfterSeconds));
      return void res
        .status(429)
        .type('html')
        .send(page('Too many requests', html`<h1>Too many requests</h1><p class="error" role="alert">We already sent several messages. ${error.hint}</p><p><a href="${returnTo}">Go back</a></p>`));
    }
    res.type('html').send(
      page(
        'Check your email',
        html`<h1>Check your email</h1><p class="ok" role="status">We sent a new confirmation link to <strong>${session.user.email}</strong>; earlier links no longer work.</p>
<p>After confirming, <a href="${returnTo}">go back</a> and continue.</p>`,
      ),
    );
  }

  private render(req: Request, res: Response, values: Partial<OwnerFormValues>, error?: string): string {
    const csrf = this.web.csrfToken(req, res, null);
    return page(
      'Create an account',
      html`<h1>Create an OpenWork Cloud account</h1>
<p>You get a new organization that you own. Already have an account? <a href="/sign-in">Sign in</a>.</p>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="/sign-up">
<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">
${ownerFields(values)}
<button type="submit">Create account</button>
</form>`,
    );
  }
}
