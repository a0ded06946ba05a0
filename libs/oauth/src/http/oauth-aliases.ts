import type { NextFunction, Request, Response } from 'express';

/**
 * The default endpoint paths (MCP 2025-03-26 fallback, used by clients whose discovery failed or that
 * refresh without re-running it) as aliases of the canonical /oauth/… endpoints: the request is routed
 * to the same handler, with the same rules, limits and answers.
 */
const ALIASES: Record<string, string> = {
  '/authorize': '/oauth/authorize',
  '/token': '/oauth/token',
  '/register': '/oauth/register',
};

export function oauthEndpointAliases(req: Request, _res: Response, next: NextFunction): void {
  const queryAt = req.url.indexOf('?');
  const path = queryAt === -1 ? req.url : req.url.slice(0, queryAt);
  const canonical = ALIASES[path];
  if (canonical) req.url = canonical + (queryAt === -1 ? '' : req.url.slice(queryAt));
  next();
}
