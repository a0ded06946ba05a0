import { Controller, Get, Req, Res, UseFilters, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { BILLING_RULE, OrganizationsService } from '@app/members';
import { html, page } from './html.js';
import { PageErrorFilter } from './page-error.filter.js';
import { PageSecurityInterceptor } from './page-security.interceptor.js';
import { WebSession } from './web-session.js';

/** Where seat_limit_reached points: each of the user's organizations with its plan and seat use. */
@Controller('billing')
@UseInterceptors(PageSecurityInterceptor)
@UseFilters(PageErrorFilter)
export class BillingController {
  constructor(
    private readonly web: WebSession,
    private readonly organizations: OrganizationsService,
  ) {}

  @Get()
  async show(@Req() req: Request, @Res() res: Response): Promise<void> {
    const session = await this.web.current(req);
    if (!session) return res.redirect(303, '/sign-in?return_to=%2Fbilling');
    const usage = await this.organizations.seatUsageForUser(session.user.id);
    res.type('html').send(
      page(
        'Plans and seats',
        html`<h1>Plans and seats</h1>
<p>${BILLING_RULE}</p>
${
  usage.length === 0
    ? html`<p>You are not a member of any organization.</p>`
    : html`<table><thead><tr><th>Organization</th><th>Plan</th><th>Seats used</th><th>Your role</th></tr></thead><tbody>
${usage.map((o) => html`<tr><td>${o.name}</td><td>${o.plan}</td><td>${String(o.seatsUsed)} of ${String(o.seatLimit)}</td><td>${o.role}</td></tr>`)}</tbody></table>`
}
<p>Plans and seat limits are set by OpenWork Cloud for each organization; ask your organization's owner to change them.
Owners and admins free a seat by revoking a pending invitation or removing a member.</p>
<p><a href="/account">Your account</a></p>`,
      ),
    );
  }
}
