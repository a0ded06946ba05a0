import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SESSION_COOKIE, SessionsService, type ActiveSession } from '@app/identity';
import { AppConfig, DomainError, httpStatusFor, newSecret, safeEqual } from '@app/shared';
import { InvitationAcceptanceService } from '../application/invitation-acceptance.service.js';
import { InvitationUnusableError } from '../domain/members.errors.js';
import { acceptedPage, invitationFormPage, staleFormPage, unusablePage } from './invitation-pages.js';

const CSRF_COOKIE = 'owc_invitation_csrf';

function field(body: unknown, name: string): string | undefined {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** GET/POST /invitations/:token — the invitee creates their account (or signs in at /sign-in) and joins. */
@Controller('invitations')
export class InvitationPageController {
  constructor(
    private readonly acceptance: InvitationAcceptanceService,
    private readonly sessions: SessionsService,
    private readonly config: AppConfig,
  ) {}

  @Get(':token')
  async show(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    this.secure(res);
    try {
      const preview = await this.acceptance.preview(token);
      const csrfToken = this.csrfToken(req, res);
      const signedInEmail = (await this.signedIn(req))?.user.email ?? null;
      this.send(res, 200, invitationFormPage({ ...preview, csrfToken, signedInEmail, ...this.links(token) }));
    } catch (error) {
      this.fail(res, error);
    }
  }

  @Post(':token')
  async accept(@Param('token') token: string, @Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    this.secure(res);
    // Double-submit: a cross-site form cannot read our cookie to copy it into the field.
    const cookie = (req.cookies as Record<string, string> | undefined)?.[CSRF_COOKIE];
    const submitted = field(body, '_csrf');
    if (!cookie || !submitted || !safeEqual(cookie, submitted)) {
      this.send(res, 403, staleFormPage(this.action(token)));
      return;
    }
    const name = field(body, 'name');
    const session = await this.signedIn(req);
    try {
      const accepted = await this.acceptance.accept(token, { signedIn: session?.user ?? null, name, password: field(body, 'password') });
      res.clearCookie(CSRF_COOKIE, { path: '/invitations' });
      this.send(res, 200, acceptedPage(accepted));
    } catch (error) {
      if (error instanceof DomainError && !(error instanceof InvitationUnusableError)) {
        try {
          const preview = await this.acceptance.preview(token);
          const model = { ...preview, csrfToken: cookie, signedInEmail: session?.user.email ?? null, ...this.links(token), error: error.message, name };
          this.send(res, httpStatusFor(error.category), invitationFormPage(model));
          return;
        } catch (previewError) {
          error = previewError;
        }
      }
      this.fail(res, error);
    }
  }

  private action(token: string): string {
    return `/invitations/${encodeURIComponent(token)}`;
  }

  private links(token: string): { action: string; signInUrl: string } {
    const action = this.action(token);
    return { action, signInUrl: `/sign-in?return_to=${encodeURIComponent(action)}` };
  }

  private signedIn(req: Request): Promise<ActiveSession | null> {
    const token = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    return this.sessions.resolve(typeof token === 'string' ? token : undefined);
  }

  private csrfToken(req: Request, res: Response): string {
    const existing = (req.cookies as Record<string, string> | undefined)?.[CSRF_COOKIE];
    if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
    const token = newSecret();
    res.cookie(CSRF_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: this.config.secureCookies, path: '/invitations' });
    return token;
  }

  private secure(res: Response): void {
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
  }

  private send(res: Response, status: number, html: string): void {
    res.status(status).type('html').send(html);
  }

  private fail(res: Response, error: unknown): void {
    if (error instanceof InvitationUnusableError) {
      this.send(res, error.reason === 'unknown' ? 404 : 410, unusablePage(error.reason));
      return;
    }
    throw error;
  }
}
