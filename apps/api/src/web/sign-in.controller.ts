import { Body, Controller, Get, HttpCode, Post, Query, Req, Res, UseFilters, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InvalidCredentialsError, SessionsService, SignInService, TooManySignInAttemptsError } from '@app/identity';
import { AppConfig, DomainError } from '@app/shared';
import { html, page } from './html.js';
import { PageErrorFilter } from './page-error.filter.js';
import { PageSecurityInterceptor } from './page-security.interceptor.js';
import { CSRF_FIELD, safeReturnTo, WebSession } from './web-session.js';

interface SignInForm {
  email?: unknown;
  password?: unknown;
  return_to?: unknown;
}

@Controller()
@UseInterceptors(PageSecurityInterceptor)
@UseFilters(PageErrorFilter)
export class SignInController {
  constructor(
    private readonly config: AppConfig,
    private readonly web: WebSession,
    private readonly signIns: SignInService,
    private readonly sessions: SessionsService,
  ) {}

  @Get('sign-in')
  async form(@Query('return_to') returnTo: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const target = safeReturnTo(returnTo, this.config.publicUrl);
    if (await this.web.current(req)) return res.redirect(303, target);
    res.type('html').send(this.render(req, res, { returnTo: target }));
  }

  @Post('sign-in')
  @HttpCode(200)
  async submit(@Body() body: SignInForm, @Req() req: Request, @Res() res: Response): Promise<void> {
    const returnTo = safeReturnTo(body?.return_to, this.config.publicUrl);
    const email = typeof body?.email === 'string' ? body.email.slice(0, 300) : '';
    if (!this.web.checkCsrf(req, null)) {
      res.status(403).type('html').send(this.render(req, res, { returnTo, email, error: 'This form expired. Please sign in again.' }));
      return;
    }
    const password = typeof body?.password === 'string' ? body.password : '';
    try {
      const { token } = await this.signIns.signIn({ email, password, ipAddress: req.ip ?? 'unknown', userAgent: req.headers['user-agent'] });
      this.web.startCookie(res, token);
      res.redirect(303, returnTo);
    } catch (error) {
      if (error instanceof TooManySignInAttemptsError) {
        res.setHeader('Retry-After', String(error.retryAfterSeconds));
        res.status(429).type('html').send(this.render(req, res, { returnTo, email, error: `${error.message} ${error.hint}` }));
        return;
      }
      if (error instanceof InvalidCredentialsError || error instanceof DomainError) {
        res.status(401).type('html').send(this.render(req, res, { returnTo, email, error: 'The email or password is incorrect.' }));
        return;
      }
      throw error;
    }
  }

  @Post('sign-out')
  async signOut(@Req() req: Request, @Res() res: Response): Promise<void> {
    const session = await this.web.current(req);
    if (session) {
      if (!this.web.checkCsrf(req, session)) {
        res.status(403).type('html').send(page('Sign out', html`<h1>Sign out</h1><p class="error" role="alert">This form expired. Go back and try again.</p>`));
        return;
      }
      await this.sessions.revoke(session.user.id, session.id);
    }
    this.web.clearCookie(res);
    res.redirect(303, '/sign-in');
  }

  private render(req: Request, res: Response, view: { returnTo: string; email?: string; error?: string }): string {
    const csrf = this.web.csrfToken(req, res, null);
    return page(
      'Sign in',
      html`<h1>Sign in to OpenWork Cloud</h1>
${view.error ? html`<p class="error" role="alert">${view.error}</p>` : ''}
<form method="post" action="/sign-in">
<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">
<input type="hidden" name="return_to" value="${view.returnTo}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${view.email ?? ''}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<p><a href="/forgot-password">Forgot your password?</a>${this.config.signUp === 'open' ? html` · <a href="/sign-up">Create an account</a>` : ''}</p>`,
    );
  }
}
