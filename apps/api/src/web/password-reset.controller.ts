import { Body, Controller, Get, HttpCode, Param, Post, Req, Res, UseFilters, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PasswordResetService, RateLimitedError } from '@app/identity';
import { DomainError } from '@app/shared';
import { formField, html, page, pageStatusFor } from './html.js';
import { PageErrorFilter } from './page-error.filter.js';
import { PageSecurityInterceptor } from './page-security.interceptor.js';
import { CSRF_FIELD, WebSession } from './web-session.js';

/** GET/POST /forgot-password and GET/POST /reset-password/:token. */
@Controller()
@UseInterceptors(PageSecurityInterceptor)
@UseFilters(PageErrorFilter)
export class PasswordResetController {
  constructor(
    private readonly resets: PasswordResetService,
    private readonly web: WebSession,
  ) {}

  @Get('forgot-password')
  form(@Req() req: Request, @Res() res: Response): void {
    res.type('html').send(this.renderRequest(req, res, ''));
  }

  @Post('forgot-password')
  @HttpCode(200)
  async request(@Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const email = formField(body, 'email', 300);
    if (!this.web.checkCsrf(req, null)) return void res.status(403).type('html').send(this.renderRequest(req, res, email, 'This form expired. Please submit it again.'));
    try {
      await this.resets.request(email, req.ip ?? 'unknown');
    } catch (error) {
      if (error instanceof RateLimitedError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
      if (error instanceof DomainError) {
        const message = error instanceof RateLimitedError ? `Too many reset requests. ${error.hint}` : error.message;
        return void res.status(pageStatusFor(error)).type('html').send(this.renderRequest(req, res, email, message));
      }
      throw error;
    }
    // The same answer whether or not the address has an account.
    res.type('html').send(
      page(
        'Check your email',
        html`<h1>Check your email</h1>
<p class="ok" role="status">If an account uses <strong>${email.trim()}</strong>, we sent it a link to set a new password. The link works once, for 30 minutes.</p>
<p><a href="/sign-in">Back to sign in</a></p>`,
      ),
    );
  }

  @Get('reset-password/:token')
  async resetForm(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!(await this.resets.isLinkLive(token))) return void res.status(404).type('html').send(this.deadLinkPage());
    res.type('html').send(this.renderReset(req, res, token));
  }

  @Post('reset-password/:token')
  @HttpCode(200)
  async reset(@Param('token') token: string, @Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!(await this.resets.isLinkLive(token))) return void res.status(404).type('html').send(this.deadLinkPage());
    if (!this.web.checkCsrf(req, null)) return void res.status(403).type('html').send(this.renderReset(req, res, token, 'This form expired. Please submit it again.'));
    try {
      if (!(await this.resets.reset(token, formField(body, 'password', 1000)))) return void res.status(404).type('html').send(this.deadLinkPage());
    } catch (error) {
      if (error instanceof DomainError) return void res.status(pageStatusFor(error)).type('html').send(this.renderReset(req, res, token, error.message));
      throw error;
    }
    this.web.clearCookie(res);
    res.type('html').send(
      page(
        'Password set',
        html`<h1>Password set</h1>
<p class="ok" role="status">Your new password is set. You were signed out everywhere and your connected MCP clients were disconnected; connect them again after signing in.</p>
<p><a href="/sign-in">Sign in</a></p>`,
      ),
    );
  }

  private renderRequest(req: Request, res: Response, email: string, error?: string): string {
    const csrf = this.web.csrfToken(req, res, null);
    return page(
      'Forgot your password',
      html`<h1>Forgot your password?</h1>
<p>Enter the address of your account and we will email you a link to set a new password.</p>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="/forgot-password">
<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" required maxlength="254" value="${email}">
<button type="submit">Send reset link</button>
</form>`,
    );
  }

  private renderReset(req: Request, res: Response, token: string, error?: string): string {
    const csrf = this.web.csrfToken(req, res, null);
    return page(
      'Set a new password',
      html`<h1>Set a new password</h1>
<p>Setting it signs you out everywhere and disconnects your MCP clients.</p>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="/reset-password/${token}">
<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">
<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="10" maxlength="256">
<button type="submit">Set password</button>
</form>`,
    );
  }

  private deadLinkPage(): string {
    return page(
      'Link not valid',
      html`<h1>This link does not work</h1><p class="error" role="alert">The reset link is wrong, was already used, or has expired.</p>
<p><a href="/forgot-password">Ask for a new link</a></p>`,
    );
  }
}
