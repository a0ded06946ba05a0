import { Injectable } from '@nestjs/common';
import { hashSecret, newSecret } from '@app/shared';
import { SessionRepository, type SessionRecord } from '../infrastructure/session.repository.js';

// The web session cookie; every page that needs to know who is signed in reads this one cookie.
export const SESSION_COOKIE = 'ow_session';
export const SESSION_LIFETIME_MS = 14 * 24 * 60 * 60 * 1000;
// lastSeenAt is advisory; writing it at most once a minute keeps page views read-only.
const TOUCH_INTERVAL_MS = 60_000;

export interface ActiveSession {
  id: string;
  user: { id: string; email: string; name: string };
  createdAt: Date;
  expiresAt: Date;
}

@Injectable()
export class SessionsService {
  constructor(private readonly sessions: SessionRepository) {}

  /** Starts a web session; the returned token goes in the cookie and is stored only as a hash. */
  async start(userId: string, client: { userAgent?: string; ipAddress?: string } = {}): Promise<{ token: string; session: SessionRecord }> {
    const token = newSecret();
    const session = await this.sessions.create({
      userId,
      tokenHash: hashSecret(token),
      expiresAt: new Date(Date.now() + SESSION_LIFETIME_MS),
      userAgent: client.userAgent?.slice(0, 300),
      ipAddress: client.ipAddress?.slice(0, 64),
    });
    return { token, session };
  }

  async resolve(token: string | undefined): Promise<ActiveSession | null> {
    if (!token || token.length > 200) return null;
    const now = new Date();
    const session = await this.sessions.findActiveByTokenHash(hashSecret(token), now);
    if (!session) return null;
    if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) await this.sessions.touch(session.id, now);
    return { id: session.id, user: session.user, createdAt: session.createdAt, expiresAt: session.expiresAt };
  }

  isActive(sessionId: string): Promise<boolean> {
    return this.sessions.findActiveById(sessionId, new Date()).then(Boolean);
  }

  listActive(userId: string): Promise<SessionRecord[]> {
    return this.sessions.listActiveForUser(userId, new Date());
  }

  /** Ends one of the user's sessions (and the MCP access issued under it). */
  revoke(userId: string, sessionId: string): Promise<number> {
    return this.sessions.revoke({ id: sessionId, userId }, new Date());
  }

  revokeAll(userId: string): Promise<number> {
    return this.sessions.revoke({ userId }, new Date());
  }
}
