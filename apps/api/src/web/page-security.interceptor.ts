import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import type { Observable } from 'rxjs';
import { STYLE_HASH } from './html.js';

// Pages can never be framed (clickjacking the Allow button), leak their URL (which can carry the
// authorization request) to other sites, or be cached.
const CSP = [`default-src 'none'`, `style-src ${STYLE_HASH}`, `img-src 'self'`, `frame-ancestors 'none'`, `base-uri 'none'`].join('; ');

export function setPageHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-store');
}

// For a page whose forms answer with a page rather than a redirect (the consent form redirects to the
// client, so it cannot have this): its forms may only post to this site.
export function restrictFormsToThisSite(res: Response): void {
  res.setHeader('Content-Security-Policy', `${CSP}; form-action 'self'`);
}

@Injectable()
export class PageSecurityInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    setPageHeaders(context.switchToHttp().getResponse<Response>());
    return next.handle();
  }
}
