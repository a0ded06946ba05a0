import type { NextFunction, Request, Response } from 'express';
import { MAX_BODY_DEPTH, nestsDeeperThan } from '@app/shared';

export function isMcpPath(path: string): boolean {
  return path === '/mcp' || path.startsWith('/mcp/');
}

/** body-parser `verify` hook: a body nested deeper than MAX_BODY_DEPTH is refused before it is parsed. */
export function refuseDeepJson(_req: unknown, _res: unknown, raw: Buffer): void {
  if (nestsDeeperThan(raw, MAX_BODY_DEPTH)) {
    throw Object.assign(new Error(`JSON nested deeper than ${MAX_BODY_DEPTH} levels`), { status: 400, type: 'entity.too.deep' });
  }
}

const JSON_RPC_BODY_ERRORS: Record<string, { code: number; message: string }> = {
  'entity.parse.failed': { code: -32700, message: 'Parse error: the body is not valid JSON.' },
  'entity.too.deep': { code: -32600, message: `Invalid Request: JSON nested deeper than ${MAX_BODY_DEPTH} levels.` },
  'entity.too.large': { code: -32600, message: 'Invalid Request: the body is larger than 1 MB.' },
};

/**
 * Express error handler for an unreadable /mcp body (before any controller runs): the answer is a
 * JSON-RPC error with a 4xx status, never a 5xx. Register it right after the body parsers.
 */
export function mcpBodyErrorHandler(error: unknown, req: Request, res: Response, next: NextFunction): void {
  if (!isMcpPath(req.path) || res.headersSent) return next(error);
  const { status, type } = (error ?? {}) as { status?: number; type?: string };
  if (typeof status !== 'number' || status >= 500) return next(error);
  const known = JSON_RPC_BODY_ERRORS[type ?? ''] ?? { code: -32600, message: 'Invalid Request: the body could not be read.' };
  res.status(status).json({ jsonrpc: '2.0', id: null, error: known });
}
