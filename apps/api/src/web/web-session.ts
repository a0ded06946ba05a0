import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SESSION_COOKIE, SESSION_LIFETIME_MS, SessionsService, type ActiveSession } from '@app/identity';
import { AppConfig, newSecret, safeEqual } from '@app/shared';

export const CSRF_COOKIE = 'ow_csrf';
export const CSRF_FIELD = 'csrf';

/**
 * The browser side of a web session: the session cookie, and CSRF tokens. A CSRF token is an HMAC of
 * a random per-browser cookie and the session id, so a token from one browser or session is useless in
 * another, and another site can neither read nor forge it (the cookie is HttpOnly and SameSite=Lax).
 */
@Injectable()
export class WebSession {
  private readonly csrfKey: Buffer;

  constructor(
    private readonly config: AppConfig,
    private readonly sessions: SessionsService,
  ) {
    this.csrfKey = createHmac('sha256', config.secretsKey).update('openwork:csrf').digest();
  }

  current(req: Request): Promise<ActiveSession | null> {
    const token = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    return this.sessions.resolve(typeof token === 'string' ? token : undefined);
  }

  startCookie(res: Response, token: string): void {
    res.cookie(SESSION_COOKIE, token, { ...this.cookieOptions(), maxAge: SESSION_LIFETIME_MS });
  }

  clearCookie(res: Response): void {
    res.clearCookie(SESSION_COOKIE, this.cookieOptions());
  }

  /** The token to put in this page's forms (sets the per-browser cookie if it is missing). */
  csrfToken(req: Request, res: Response, session: ActiveSession | null): string {
    let browser = (req.cookies as Record<string, string> | undefined)?.[CSRF_COOKIE];
    if (typeof browser !== 'string' || browser.length < 20 || browser.length > 100) {
      browser = newSecret();
      res.cookie(CSRF_COOKIE, browser, this.cookieOptions());
      (req.cookies as Record<string, string>)[CSRF_COOKIE] = browser;
    }
    return this.sign(browser, session);
  }

  checkCsrf(req: Request, session: ActiveSession | null): boolean {
    const browser = (req.cookies as Record<string, string> | undefined)?.[CSRF_COOKIE];
    const sent = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
    if (typeof browser !== 'string' || typeof sent !== 'string') return false;
    return safeEqual(sent, this.sign(browser, session));
  }

  private sign(browser: string, session: ActiveSession | null): string {
    return createHmac('sha256', this.csrfKey).update(`${browser}|${session?.id ?? ''}`).digest('base64url');
  }

  private cookieOptions() {
    return { httpOnly: true, sameSite: 'lax' as const, secure: this.config.secureCookies, path: '/' };
  }
}

// A path a browser will keep on this site: one leading slash, never `//` or `/\` (both mean "another host"
// to browsers), no control characters or spaces a browser would strip before reading it.
function isSameSitePath(path: string): boolean {
  return path.startsWith('/') && !/^\/[\\/]/.test(path) && !/[\\\u0000-\u0020\u007f]/.test(path);
}

/**
 * `return_to` may only be a path on this site. The check runs on the value actually sent in `Location`,
 * after URL normalisation: dot segments and encoded dots can turn `/.//host` into `//host`.
 */
export function safeReturnTo(raw: unknown, publicUrl: string, fallback = '/account'): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 4000 || !isSameSitePath(raw)) return fallback;
  try {
    const base = new URL(publicUrl);
    const url = new URL(raw, base);
    if (url.origin !== base.origin) return fallback;
    const target = `${url.pathname}${url.search}`;
    if (!isSameSitePath(target)) return fallback;
    // Read back the way a browser reads `Location`: it must name the same path on the same origin.
    const reread = new URL(target, base);
    if (reread.origin !== base.origin || `${reread.pathname}${reread.search}` !== target) return fallback;
    return target;
  } catch {
    return fallback;
  }
}
