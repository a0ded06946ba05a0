import { randomUUID } from 'node:crypto';
import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { isDatabaseUnavailable, UNAVAILABLE_RETRY_AFTER_SECONDS } from '@app/shared';
import { html, notFoundPage, page } from './html.js';
import { setPageHeaders } from './page-security.interceptor.js';

/**
 * What a person sees when a page fails for a reason no rule covers: a page, never a JSON body. The
 * database restarting is a 503 to retry in a few seconds; anything else a 500 naming a reference the
 * log has, without its internals.
 */
@Catch()
export class PageErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Pages');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      this.logger.error(`Page failed after its answer started: ${(exception as Error)?.stack ?? String(exception)}`);
      return;
    }
    setPageHeaders(res);
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      res.status(status).type('html').send(status === 404 ? notFoundPage() : page('Request not understood', html`<h1>Request not understood</h1><p>The server could not read this request. Go back and try again.</p>`));
      return;
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn(`Page met the database unavailable: ${(exception as Error)?.message ?? String(exception)}`);
      res.setHeader('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
      res.status(503).type('html').send(page('Briefly unavailable', html`<h1>Briefly unavailable</h1><p>OpenWork Cloud cannot answer right now. Try again in a few seconds.</p>`));
      return;
    }
    const reference = randomUUID();
    this.logger.error(`Page failed (reference ${reference}): ${(exception as Error)?.stack ?? String(exception)}`);
    res.status(500).type('html').send(page('Something went wrong', html`<h1>Something went wrong</h1><p>The server could not complete this request. Try again; if it keeps failing, quote reference <code>${reference}</code>.</p>`));
  }
}
