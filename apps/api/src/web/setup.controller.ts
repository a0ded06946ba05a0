import { Body, Controller, Get, HttpCode, Post, Query, Req, Res, UseFilters, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { FirstRunService, SetupUnavailableError } from '@app/onboarding';
import { DomainError } from '@app/shared';
import { formField, html, notFoundPage, page, pageStatusFor } from './html.js';
import { ownerFields, type OwnerFormValues } from './owner-form.js';
import { PageErrorFilter } from './page-error.filter.js';
import { PageSecurityInterceptor } from './page-security.interceptor.js';
import { CSRF_FIELD, WebSession } from './web-session.js';

/** GET/POST /setup — first run only: the link from the server's log creates the first owner. */
@Controller('setup')
@UseInterceptors(PageSecurityInterceptor)
@UseFilters(PageErrorFilter)
export class SetupController {
  constructor(
    private readonly firstRun: FirstRunService,
    private readonly web: WebSession,
  ) {}

  @Get()
  async form(@Query('token') token: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!(await this.firstRun.isOpen(token))) return void res.status(404).type('html').send(notFoundPage());
    res.type('html').send(this.render(req, res, token as string, {}));
  }

  @Post()
  @HttpCode(200)
  async submit(@Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const token = formField(body, 'token', 200);
    if (!(await this.firstRun.isOpen(token))) return void res.status(404).type('html').send(notFoundPage());
    const values = { name: formField(body, 'name', 300), email: formField(body, 'email', 300), organizationName: formField(body, 'organizationName', 300) };
    if (!this.web.checkCsrf(req, null)) {
      return void res.status(403).type('html').send(this.render(req, res, token, values, 'This form expired. Please submit it again.'));
    }
    try {
      const { sessionToken } = await this.firstRun.complete(token, { ...values, password: formField(body, 'password', 1000) }, { ipAddress: req.ip, userAgent: req.headers['user-agent'] });
      this.web.startCookie(res, sessionToken);
      res.redirect(303, '/');
    } catch (error) {
      if (error instanceof SetupUnavailableError) return void res.status(404).type('html').send(notFoundPage());
      if (error instanceof DomainError) return void res.status(pageStatusFor(error)).type('html').send(this.render(req, res, token, values, error.message));
      throw error;
    }
  }

  private render(req: Request, res: Response, token: string, values: Partial<OwnerFormValues>, error?: string): string {
    const csrf = this.web.csrfToken(req, res, null);
    return page(
      'Create the first owner',
      html`<h1>Create the first owner</h1>
<p>This server has no accounts yet. The first account owns a new organization and can invite everyone else.</p>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="/setup">
<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">
<input type="hidden" name="token" value="${token}">
${ownerFields(values)}
<button type="submit">Create owner</button>
</form>`,
    );
  }
}
