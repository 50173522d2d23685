import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server that keeps only each message's Message-ID (read from the header block,
 * without parsing the rest): light enough to count thousands of messages. It can be stopped
 * and started again on the same port, to play a relay that goes down and comes back.
 */
export class SmtpSink {
  /** Message-ID -> how many times it was accepted */
  readonly seen = new Map<string, number>();
  accepted = 0;
  /** called after each accepted message (a test stops the server mid-way from here) */
  onAccepted: ((count: number) => void) | null = null;
  private server: SMTPServer | null = null;
  port = 0;

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      maxClients: 1000,
      // stop() cuts the open connections after this (421), as a relay going down would
      closeTimeout: 100,
      onData: (stream, _session, callback) => {
        let head = '';
        stream.on('data', (c: Buffer) => {
          if (head.length < 64 * 1024 && !head.includes('\r\n\r\n')) head += c.toString('latin1');
        });
        stream.on('end', () => {
          const id = /^message-id:\s*(<[^>\r\n]+>)/im.exec(head)?.[1] ?? '(none)';
          this.seen.set(id, (this.seen.get(id) ?? 0) + 1);
          this.accepted++;
          callback();
          this.onAccepted?.(this.accepted);
        });
      },
    });
    // A client killed mid-message resets its connection: expected here, not an error of the test.
    server.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and cuts open connections (a relay going down, not a polite drain). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Message-IDs accepted more than once, and how many extra copies in all. */
  repeats(): { ids: number; extra: number } {
    let ids = 0;
    let extra = 0;
    for (const n of this.seen.values())
      if (n > 1) {
        ids++;
        extra += n - 1;
      }
    return { ids, extra };
  }
}
