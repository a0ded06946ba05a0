import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Request } from 'express';
import type { JSONRPCResponse } from '@modelcontextprotocol/server';
import { DECLARED_CLIENT, type DeclaredClient, type ElicitationOutcome, type FormElicitation } from '@app/access';
import { DATABASE, type Database, type Principal } from '@app/shared';
import { principalOfRequest } from './mcp-bearer.strategy.js';
import { sessionOf } from './mcp-session.js';
import type { CallStream } from './shared-mcp-server.js';

/** The PostgreSQL channel answers travel on between instances. */
export const ELICITATION_CHANNEL = 'mcp_elicitation';
const ID_PREFIX = 'elicit-';
// Far below NOTIFY's 8000 bytes; a confirmation answer is a few dozen.
const MAX_NOTIFICATION_BYTES = 4000;

interface Owner {
  grantId: string;
  userId: string;
}

interface Waiting {
  owner: Owner;
  settle(outcome: ElicitationOutcome): void;
}

interface Relayed {
  id: string;
  owner: Owner;
  outcome: ElicitationOutcome;
}

function outcomeOf(message: JSONRPCResponse): ElicitationOutcome {
  if (!('result' in message)) return { action: 'failed' };
  const { action, content } = message.result as { action?: unknown; content?: unknown };
  if (action !== 'accept' && action !== 'decline' && action !== 'cancel') return { action: 'failed' };
  const plain = typeof content === 'object' && content !== null && !Array.isArray(content);
  return plain ? { action, content: content as Record<string, unknown> } : { action };
}

/**
 * Server-to-client elicitation for 2025-revision sessions, across instances. The call that asks writes
 * `elicitation/create` (with an unguessable id) on its own SSE response and waits here; the client's
 * answer arrives as a separate POST, possibly at another instance. That instance settles the call itself
 * when it holds it, and otherwise sends the answer as a NOTIFY on the shared database (PGlite's own
 * LISTEN/NOTIFY on the embedded one); the instance holding the call listens from its first question on.
 * An answer counts only from the grant and user the question was put to; an answer nobody waits for
 * (unknown, already answered, expired) is dropped.
 */
@Injectable()
export class ElicitationRelay implements BeforeApplicationShutdown {
  private readonly logger = new Logger('McpElicitation');
  private readonly waiting = new Map<string, Waiting>();
  private listening?: Promise<unknown>;

  constructor(@Inject(DATABASE) private readonly database: Database) {}

  /**
   * Lets the tools behind this call elicit on its stream when the client's session declared form
   * elicitation (the interceptor finds it under DECLARED_CLIENT).
   */
  attach(req: Request, stream: CallStream): void {
    const declared = (req as Request & { [DECLARED_CLIENT]?: DeclaredClient })[DECLARED_CLIENT];
    const principal = principalOfRequest(req);
    if (!declared || !principal || !sessionOf(req)?.form) return;
    const owner = { grantId: principal.grantId, userId: principal.userId };
    declared.elicit = (form, timeoutMs) => this.ask(stream, owner, form, timeoutMs);
  }

  /** A JSON-RPC response a client posted with its session: settles the call it answers, wherever that waits. */
  async answer(message: JSONRPCResponse, principal: Principal): Promise<void> {
    const { id } = message;
    if (typeof id !== 'string' || !id.startsWith(ID_PREFIX) || id.length > 64) return;
    let relayed: Relayed = { id, owner: { grantId: principal.grantId, userId: principal.userId }, outcome: outcomeOf(message) };
    // An answer too large to relay still ends the wait, as one the gate cannot use.
    if (Buffer.byteLength(JSON.stringify(relayed)) > MAX_NOTIFICATION_BYTES) relayed = { ...relayed, outcome: { action: 'failed' } };
    if (this.settle(relayed)) return;
    try {
      await this.database.notify(ELICITATION_CHANNEL, JSON.stringify(relayed));
    } catch (error) {
      // The waiting call then ends at its deadline; the client has nothing better to do with an error.
      this.logger.warn(`Could not relay an elicitation answer: ${(error as Error).message}`);
    }
  }

  // Before the HTTP server waits for open requests to end: each waiting call gets the approval page instead.
  async beforeApplicationShutdown(): Promise<void> {
    for (const waiting of [...this.waiting.values()]) waiting.settle({ action: 'failed' });
  }

  /** Sends one form question on `stream` and resolves with how it ended. */
  async ask(stream: CallStream, owner: Owner, form: FormElicitation, timeoutMs: number): Promise<ElicitationOutcome> {
    try {
      await this.listen();
    } catch (error) {
      this.logger.warn(`Cannot listen for elicitation answers: ${(error as Error).message}`);
      return { action: 'failed' };
    }
    const id = `${ID_PREFIX}${randomBytes(18).toString('base64url')}`;
    return new Promise<ElicitationOutcome>((resolve) => {
      const settle = (outcome: ElicitationOutcome) => {
        if (!this.waiting.delete(id)) return;
        clearTimeout(timer);
        stream.closed.removeEventListener('abort', abandon);
        resolve(outcome);
      };
      const abandon = () => settle({ action: 'abandoned' });
      const timer = setTimeout(() => settle({ action: 'expired' }), timeoutMs);
      this.waiting.set(id, { owner, settle });
      stream.closed.addEventListener('abort', abandon, { once: true });
      const sent = !stream.closed.aborted && stream.send({ jsonrpc: '2.0', id, method: 'elicitation/create', params: { mode: 'form', ...form } });
      if (!sent) abandon();
    });
  }

  /** True when the call is held here (settled, or refused for a foreign answerer); false when it is not. */
  private settle({ id, owner, outcome }: Relayed): boolean {
    const waiting = this.waiting.get(id);
    if (!waiting) return false;
    if (waiting.owner.grantId === owner.grantId && waiting.owner.userId === owner.userId) waiting.settle(outcome);
    else this.logger.warn('Dropped an elicitation answer from another grant or user');
    return true;
  }

  private listen(): Promise<unknown> {
    this.listening ??= this.database.listen(ELICITATION_CHANNEL, (payload) => this.receive(payload)).catch((error: unknown) => {
      this.listening = undefined;
      throw error;
    });
    return this.listening;
  }

  private receive(payload: string): void {
    try {
      const relayed = JSON.parse(payload) as Relayed;
      if (typeof relayed?.id === 'string' && relayed.owner && relayed.outcome) this.settle(relayed);
    } catch {
      // Not ours to read; nothing waits on it.
    }
  }
}
