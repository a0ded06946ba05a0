import { createServer, type Server } from 'node:http';

export interface CallbackResult {
  code: string | null;
  state: string | null;
  iss: string | null;
  error: string | null;
}

/**
 * The native-app half of RFC 8252: a real HTTP listener on 127.0.0.1 that receives the authorization
 * redirect at `/callback` (or another path) and hands its query to whoever waits for it.
 */
export class LoopbackCallback {
  private server: Server | undefined;
  private waiters: ((r: CallbackResult) => void)[] = [];
  private received: CallbackResult[] = [];
  port = 0;

  constructor(private readonly path = '/callback') {}

  get redirectUrl(): string {
    return `http://127.0.0.1:${this.port}${this.path}`;
  }

  async listen(): Promise<this> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${this.port}`);
      if (url.pathname !== this.path) {
        res.writeHead(404).end();
        return;
      }
      const q = url.searchParams;
      const result: CallbackResult = { code: q.get('code'), state: q.get('state'), iss: q.get('iss'), error: q.get('error') };
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Connected</title><p>Authorization complete. You can close this window.</p>');
      const waiter = this.waiters.shift();
      if (waiter) waiter(result);
      else this.received.push(result);
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  /** The next redirect that reaches the listener. */
  next(timeoutMs = 30_000): Promise<CallbackResult> {
    const ready = this.received.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no redirect reached ${this.redirectUrl} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push((r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
