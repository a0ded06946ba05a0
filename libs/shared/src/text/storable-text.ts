import type { NextFunction, Request, Response } from 'express';

// PostgreSQL text and jsonb hold neither U+0000 nor unpaired UTF-16 surrogates: such input is the
// caller's mistake and must be refused as one, before it reaches the database as an error.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/** The path of the first string (or key) in a parsed body that the database could not store. */
export function unstorableTextPath(value: unknown, path: string[] = [], depth = 0): string | null {
  if (typeof value === 'string') return isStorableText(value) ? null : path.join('.') || '(input)';
  if (depth > 32 || typeof value !== 'object' || value === null) return null;
  for (const [key, item] of Object.entries(value)) {
    if (!isStorableText(key)) return [...path, '(key)'].join('.');
    const found = unstorableTextPath(item, [...path, key], depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * Express middleware for the forms and OAuth endpoints: a body or query with unstorable text is a bad
 * request (RFC 6749 error shape under /oauth/). The MCP gateway checks tool input itself.
 */
export function refuseUnstorableText(req: Request, res: Response, next: NextFunction): void {
  if (req.path === '/mcp') return next();
  const bad = unstorableTextPath(req.query) ?? unstorableTextPath(req.body);
  if (!bad) return next();
  const description = `The parameter ${bad.slice(0, 50)} must be valid UTF-8 text without NUL characters.`;
  if (req.path.startsWith('/oauth/')) {
    res.setHeader('Cache-Control', 'no-store');
    res.status(400).json({ error: 'invalid_request', error_description: description });
    return;
  }
  res.status(400).type('text/plain').send(description);
}
