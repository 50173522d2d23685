import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** What the receiver does with the next call: answer with a status, or never answer. */
export type Behaviour = number | 'hang';

/**
 * A real HTTP receiver on loopback: records every call and answers as told (default 200).
 * `hang` keeps the request open until the receiver closes, as a stuck server does.
 */
export class Receiver {
  readonly calls: Received[] = [];
  private plan: Behaviour[] = [];
  private hanging = new Set<http.ServerResponse>();

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<Receiver> {
    const server = http.createServer();
    const r = new Receiver(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        r.calls.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const next = r.plan.shift() ?? 200;
        if (next === 'hang') {
          r.hanging.add(res);
          return;
        }
        res.writeHead(next, { 'content-type': 'text/plain' });
        res.end(next >= 400 ? `failure ${next} ${'x'.repeat(5000)}` : 'ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return r;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  /** The answers of the next calls, in order; then 200 again. */
  answer(...behaviours: Behaviour[]): void {
    this.plan.push(...behaviours);
  }

  async waitForCalls(n: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.calls.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (this.calls.length < n) throw new Error(`receiver got ${this.calls.length} calls, expected ${n}`);
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
