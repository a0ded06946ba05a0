import { createServer, request, type Server } from 'node:http';

/**
 * A loopback reverse proxy that adds `Authorization: Bearer <token>` (once there is one) to every request
 * and forwards it unchanged otherwise (method, path, Host, Origin, body; responses streamed back as they
 * come). For clients that cannot be given a header, such as the conformance suite's test client.
 */
export class BearerProxy {
  private server: Server | undefined;
  port = 0;
  /** Where requests go; set once the upstream is listening. */
  target = '';

  constructor(private readonly token: () => string | undefined) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<this> {
    this.server = createServer((req, res) => {
      const target = new URL(this.target);
      const token = this.token();
      const headers = token ? { ...req.headers, authorization: `Bearer ${token}` } : req.headers;
      const upstream = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server!.address() as { port: number }).port;
    return this;
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
