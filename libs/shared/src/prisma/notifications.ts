import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** LISTEN/NOTIFY on the database every instance shares: a small signal reaches every instance listening. */
export interface Notifications {
  /** Sends `payload` (under 8000 bytes, PostgreSQL's limit) to every listener of `channel`, in any instance. */
  notify(channel: string, payload: string): Promise<void>;
  /** Calls `onPayload` for each notification on `channel` until the returned function is called. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

type Listener = (payload: string) => void;

const RECONNECT_MS = 1_000;

// Channel names come from code, never from input; quoted all the same.
function identifier(channel: string): string {
  return `"${channel.replaceAll('"', '""')}"`;
}

function deliver(listeners: Iterable<Listener>, payload: string): void {
  for (const listener of listeners) {
    try {
      listener(payload);
    } catch {
      // A listener's failure is its own; the others still hear the notification.
    }
  }
}

/**
 * One connection of its own, opened on first use (LISTEN needs a session that stays; the Prisma pool's do
 * not). When it drops it is reopened a second later and listens to its channels again; notifications sent
 * in between are lost, as PostgreSQL never queues them for an absent listener.
 */
export class PostgresNotifications implements Notifications {
  private readonly listeners = new Map<string, Set<Listener>>();
  private connection?: Promise<pg.Client>;
  private current?: pg.Client;
  private retry?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly connectionString: string) {}

  async notify(channel: string, payload: string): Promise<void> {
    const client = await this.connect();
    await client.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  async listen(channel: string, onPayload: Listener): Promise<() => Promise<void>> {
    let listeners = this.listeners.get(channel);
    if (!listeners) this.listeners.set(channel, (listeners = new Set()));
    listeners.add(onPayload);
    try {
      const client = await this.connect();
      await client.query(`LISTEN ${identifier(channel)}`);
    } catch (error) {
      listeners.delete(onPayload);
      throw error;
    }
    return async () => {
      listeners.delete(onPayload);
      if (listeners.size > 0 || this.listeners.get(channel) !== listeners) return;
      this.listeners.delete(channel);
      await this.current?.query(`UNLISTEN ${identifier(channel)}`).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.current;
    this.current = undefined;
    this.connection = undefined;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new Error('The database notifications are closed'));
    this.connection ??= this.open().catch((error: unknown) => {
      this.connection = undefined;
      this.reconnectLater();
      throw error;
    });
    return this.connection;
  }

  private async open(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.connectionString, connectionTimeoutMillis: 5_000 });
    // Without an 'error' listener a dropped connection would end the process.
    client.on('error', () => this.drop(client));
    client.on('end', () => this.drop(client));
    client.on('notification', ({ channel, payload }) => deliver(this.listeners.get(channel) ?? [], payload ?? ''));
    await client.connect();
    for (const channel of this.listeners.keys()) await client.query(`LISTEN ${identifier(channel)}`);
    if (this.closed) {
      await client.end().catch(() => undefined);
      throw new Error('The database notifications are closed');
    }
    this.current = client;
    return client;
  }

  private drop(client: pg.Client): void {
    if (this.current !== client) return;
    this.current = undefined;
    this.connection = undefined;
    void client.end().catch(() => undefined);
    this.reconnectLater();
  }

  private reconnectLater(): void {
    if (this.closed || this.retry || this.listeners.size === 0) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.connect().catch(() => undefined);
    }, RECONNECT_MS);
    this.retry.unref();
  }
}

/** The embedded database serves one process: PGlite's own LISTEN/NOTIFY reaches every listener in it. */
export function pgliteNotifications(pglite: PGlite): Notifications {
  return {
    async notify(channel, payload) {
      await pglite.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async listen(channel, onPayload) {
      const unlisten = await pglite.listen(channel, (payload) => deliver([onPayload], payload));
      return () => unlisten();
    },
    close: async () => {},
  };
}
