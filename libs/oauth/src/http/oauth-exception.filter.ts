import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isDatabaseUnavailable, UNAVAILABLE_RETRY_AFTER_SECONDS } from '@app/shared';
import { OAuthError, OAuthRateLimitedError } from '../domain/oauth.errors.js';

/** The JSON endpoints answer every failure as an RFC 6749 error object, never an HTML or Nest body. */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('OAuth');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    res.setHeader('Cache-Control', 'no-store');
    if (exception instanceof OAuthError) {
      if (exception instanceof OAuthRateLimitedError) res.setHeader('Retry-After', String(exception.retryAfterSeconds));
      res.status(exception.status).json(exception.toJSON());
      return;
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      res.status(400).json({ error: 'invalid_request', error_description: 'The request could not be read.' });
      return;
    }
    if (isDatabaseUnavailable(exception)) {
      // The database restarting or unreachable: a client that retries shortly succeeds, so say when.
      this.logger.warn(`OAuth endpoint met the database unavailable: ${(exception as Error)?.message ?? String(exception)}`);
      res.setHeader('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
      res.status(503).json({ error: 'temporarily_unavailable', error_description: 'The server cannot complete the request right now; retry shortly.' });
      return;
    }
    this.logger.error(`OAuth endpoint failed: ${(exception as Error)?.stack ?? String(exception)}`);
    res.status(500).json({ error: 'server_error', error_description: 'The server could not complete the request; retry shortly.' });
  }
}

/**
 * Express error handler for failures before a controller runs (an unreadable body): the OAuth
 * endpoints still answer in RFC 6749 form. Register it right after the body parsers.
 */
export function oauthBodyErrorHandler(error: unknown, req: Request, res: Response, next: (error?: unknown) => void): void {
  if (!req.path.startsWith('/oauth/') || res.headersSent) return next(error);
  res.setHeader('Cache-Control', 'no-store');
  res.status(400).json({ error: 'invalid_request', error_description: 'The request body could not be read.' });
}
