import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig, Clock } from '@app/shared';

export const REQUEST_STATE_TTL_MS = 10 * 60 * 1000;

/** What a form confirmation's requestState carries: a single-use nonce and the digest it confirms. */
export interface RequestStatePayload {
  nonce: string;
  digest: string;
  /** Set when the state waits on a browser approval (URL elicitation). */
  approvalId?: string;
  expiresAt: number;
}

export type UnsealResult = { ok: true; payload: RequestStatePayload } | { ok: false; reason: 'malformed' | 'signature' | 'expired' };

/**
 * HMAC-SHA256 over the 2026-07-28 `requestState` (`v1.<body>.<mac>`, base64url), keyed by a key derived
 * from SECRETS_KEY so every instance verifies what another minted. The SDK's createRequestStateCodec does
 * the same signing but reads the wall clock and refuses only as a wire error; this one expires on the
 * server's Clock (the same clock approvals expire on) and tells a tampered state from an expired one.
 * Single use is enforced by the caller through the database.
 */
@Injectable()
export class RequestStateSeal {
  private readonly key: Buffer;

  constructor(
    config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', config.secretsKey, Buffer.alloc(0), 'openwork:mcp-request-state:v1', 32));
  }

  seal(payload: Omit<RequestStatePayload, 'expiresAt'>): { state: string; expiresAt: Date } {
    const expiresAt = this.clock.nowMs() + REQUEST_STATE_TTL_MS;
    const body = Buffer.from(JSON.stringify({ n: payload.nonce, d: payload.digest, a: payload.approvalId, exp: expiresAt })).toString('base64url');
    return { state: `v1.${body}.${this.mac(body)}`, expiresAt: new Date(expiresAt) };
  }

  unseal(state: string): UnsealResult {
    const parts = state.length <= 2048 ? state.split('.') : [];
    if (parts.length !== 3 || parts[0] !== 'v1') return { ok: false, reason: 'malformed' };
    const [, body, mac] = parts as [string, string, string];
    const expected = Buffer.from(this.mac(body));
    const sent = Buffer.from(mac);
    if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) return { ok: false, reason: 'signature' };
    let decoded: { n?: unknown; d?: unknown; a?: unknown; exp?: unknown };
    try {
      decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as typeof decoded;
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (typeof decoded.n !== 'string' || typeof decoded.d !== 'string' || typeof decoded.exp !== 'number') return { ok: false, reason: 'malformed' };
    if (decoded.a !== undefined && typeof decoded.a !== 'string') return { ok: false, reason: 'malformed' };
    if (decoded.exp <= this.clock.nowMs()) return { ok: false, reason: 'expired' };
    return { ok: true, payload: { nonce: decoded.n, digest: decoded.d, approvalId: decoded.a, expiresAt: decoded.exp } };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(`openwork:mcp-request-state:${body}`).digest('base64url');
  }
}
