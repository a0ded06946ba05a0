import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DECLARED_CLIENT, type DeclaredClient } from '@app/access';
import { AppConfig, Clock, type Principal } from '@app/shared';

export const MCP_SESSION_TTL_MS = 24 * 60 * 60 * 1000;
/** The revisions that declare client capabilities once, at initialize, and take server-to-client requests. */
export const SESSION_REVISIONS: readonly string[] = ['2025-06-18', '2025-11-25'];
const SESSION_ID = /^s1\.([A-Za-z0-9_-]{1,600})\.([A-Za-z0-9_-]{43})$/;

interface SessionClaims {
  /** grant, user and organization the session was issued to */
  g: string;
  u: string;
  o: string;
  /** protocol version, form and URL elicitation declared */
  v: string;
  f: boolean;
  l: boolean;
  exp: number;
}

/** What a verified `Mcp-Session-Id` says about the client. */
export interface McpSession {
  protocolVersion: string;
  form: boolean;
  url: boolean;
}

const SESSION = Symbol('mcpSession');

/** The verified session of this request, if it carried one (see McpSessions.admit). */
export function sessionOf(req: Request): McpSession | undefined {
  return (req as Request & { [SESSION]?: McpSession })[SESSION];
}

function refuse(status: HttpStatus, code: number, message: string): HttpException {
  return new HttpException({ jsonrpc: '2.0', id: null, error: { code, message } }, status);
}

/**
 * `Mcp-Session-Id` for clients on 2025 revisions that declare elicitation at initialize. It is a signed
 * token, not a record: any instance verifies it (HMAC-SHA256, key derived from SECRETS_KEY) and nothing is
 * stored. It carries what the client declared (form and/or URL elicitation, protocol version), is bound to
 * the grant, user and organization of the access token it was issued under, and lasts 24 hours. Clients
 * that declare no elicitation get none and stay stateless, as do requests sent without one.
 */
@Injectable()
export class McpSessions {
  private readonly key: Buffer;

  constructor(
    config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', config.secretsKey, Buffer.alloc(0), 'openwork:mcp-session:v1', 32));
  }

  /** The session id to answer this `initialize` with, or undefined when the client gets none. */
  issue(principal: Principal, initialize: unknown): string | undefined {
    const params = (initialize as { params?: { protocolVersion?: unknown; capabilities?: { elicitation?: unknown } } } | undefined)?.params;
    const version = params?.protocolVersion;
    const elicitation = params?.capabilities?.elicitation;
    if (typeof version !== 'string' || !SESSION_REVISIONS.includes(version)) return undefined;
    if (typeof elicitation !== 'object' || elicitation === null || Array.isArray(elicitation)) return undefined;
    const { form, url } = elicitation as { form?: unknown; url?: unknown };
    const claims: SessionClaims = {
      g: principal.grantId,
      u: principal.userId,
      o: principal.orgId,
      v: version,
      // A bare `elicitation: {}` declares form mode (the shape before modes existed).
      f: form !== undefined || url === undefined,
      l: url !== undefined,
      exp: this.clock.nowMs() + MCP_SESSION_TTL_MS,
    };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `s1.${body}.${this.mac(body)}`;
  }

  /**
   * Checks the request's `Mcp-Session-Id` against the principal it came with, and puts what the client
   * declared on the request. Malformed: 400. Not issued here, expired, or issued to another grant, user or
   * organization: 404, which tells the client to initialize a new session. `initialize` itself is not
   * checked, so a client holding a stale id can always start over.
   */
  admit(req: Request, principal: Principal): void {
    const header = req.headers['mcp-session-id'];
    if (header === undefined || (req.body as { method?: unknown } | undefined)?.method === 'initialize') return;
    const match = typeof header === 'string' ? SESSION_ID.exec(header) : null;
    if (!match) throw refuse(HttpStatus.BAD_REQUEST, -32000, 'Bad Request: malformed Mcp-Session-Id header');
    const [, body, mac] = match as unknown as [string, string, string];
    const claims = this.equal(this.mac(body), mac) ? this.claims(body) : undefined;
    if (!claims || claims.exp <= this.clock.nowMs() || claims.g !== principal.grantId || claims.u !== principal.userId || claims.o !== principal.orgId) {
      throw refuse(HttpStatus.NOT_FOUND, -32001, 'Session not found');
    }
    const session: McpSession = { protocolVersion: claims.v, form: claims.f, url: claims.l };
    const declared: DeclaredClient = { capabilities: { elicitation: { ...(session.form && { form: {} }), ...(session.url && { url: {} }) } } };
    Object.assign(req, { [SESSION]: session, [DECLARED_CLIENT]: declared });
  }

  private claims(body: string): SessionClaims | undefined {
    try {
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<SessionClaims>;
      const strings = [claims.g, claims.u, claims.o, claims.v].every((value) => typeof value === 'string');
      return strings && typeof claims.f === 'boolean' && typeof claims.l === 'boolean' && typeof claims.exp === 'number' ? (claims as SessionClaims) : undefined;
    } catch {
      return undefined;
    }
  }

  private equal(expected: string, sent: string): boolean {
    const a = Buffer.from(expected);
    const b = Buffer.from(sent);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(`openwork:mcp-session:${body}`).digest('base64url');
  }
}
