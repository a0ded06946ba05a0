import { Body, Controller, Get, Param, Post, Req, Res, UseFilters, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApprovalsService, type ApprovalPageView } from '@app/approvals';
import { html, page, type SafeHtml } from './html.js';
import { PageErrorFilter } from './page-error.filter.js';
import { PageSecurityInterceptor } from './page-security.interceptor.js';
import { CSRF_FIELD, WebSession } from './web-session.js';

const when = (date: Date) => date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

const outcomes: Record<Exclude<ApprovalPageView['state'], 'pending'>, { title: string; text: string }> = {
  unknown: { title: 'Approval not found', text: 'There is no approval with this link for your account. If someone sent it to you, only the person who asked for the change can decide it.' },
  expired: { title: 'Approval expired', text: 'This approval expired after 10 minutes; nothing was changed. Ask the agent to try again for a fresh link.' },
  approved: { title: 'Approved', text: 'You approved this change. Tell the agent to call the tool again with the approvalId; it runs once.' },
  used: { title: 'Approved and done', text: 'You approved this change and it has been made.' },
  rejected: { title: 'Rejected', text: 'You rejected this change; nothing was changed.' },
};

/**
 * /approvals/:id — the person (signed in, the same user the agent acts for) reads what a risky tool call
 * would change and presses Approve or Reject. An agent cannot press it for them: it needs their browser
 * session and a CSRF token bound to it.
 */
@Controller('approvals')
@UseInterceptors(PageSecurityInterceptor)
@UseFilters(PageErrorFilter)
export class ApprovalController {
  constructor(
    private readonly web: WebSession,
    private readonly approvals: ApprovalsService,
  ) {}

  @Get(':id')
  async show(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const session = await this.web.current(req);
    if (!session) return this.toSignIn(id, res);
    const view = await this.approvals.view(id, session.user.id);
    this.render(res, view, view.state === 'pending' ? this.web.csrfToken(req, res, session) : '', id);
  }

  @Post(':id')
  async decide(@Param('id') id: string, @Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const session = await this.web.current(req);
    if (!session) return this.toSignIn(id, res);
    if (!this.web.checkCsrf(req, session)) {
      res.status(403).type('html').send(page('Form expired', html`<h1>Form expired</h1><p>This form expired or came from another page; nothing was changed.</p><p><a href="/approvals/${id}">Open the approval again</a></p>`));
      return;
    }
    const decision = body?.decision;
    if (decision !== 'approve' && decision !== 'reject') {
      res.status(400).type('html').send(page('Choose Approve or Reject', html`<h1>Choose Approve or Reject</h1><p>Nothing was changed.</p><p><a href="/approvals/${id}">Back to the approval</a></p>`));
      return;
    }
    const view = await this.approvals.decide(id, session.user.id, decision);
    this.render(res, view, '', id);
  }

  private toSignIn(id: string, res: Response): void {
    res.redirect(303, `/sign-in?return_to=${encodeURIComponent(`/approvals/${encodeURIComponent(id)}`)}`);
  }

  private render(res: Response, view: ApprovalPageView, csrf: string, id: string): void {
    if (view.state !== 'pending') {
      const { title, text } = outcomes[view.state];
      const summary: SafeHtml | string = 'summary' in view ? html`<blockquote>${view.summary}</blockquote>` : '';
      res.status(view.state === 'unknown' ? 404 : 200).type('html').send(page(title, html`<h1>${title}</h1>${summary}<p>${text}</p><p><a href="/account">Your account</a></p>`));
      return;
    }
    const token = html`<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">`;
    res.type('html').send(
      page(
        'Approve this change?',
        html`<h1>Approve this change?</h1>
<p><strong>${view.clientName}</strong> asks to make this change in <strong>${view.organizationName}</strong> on your behalf:</p>
<blockquote>${view.summary}</blockquote>
<p class="muted">Tool: ${view.tool}. This request expires at ${when(view.expiresAt)} and works once.</p>
<form method="post" action="/approvals/${id}" class="inline">${token}<input type="hidden" name="decision" value="approve"><button type="submit">Approve</button></form>
<form method="post" action="/approvals/${id}" class="inline">${token}<input type="hidden" name="decision" value="reject"><button type="submit">Reject</button></form>`,
      ),
    );
  }
}
