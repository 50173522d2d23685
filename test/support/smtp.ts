import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server in the test process: the app's mailer talks SMTP to it exactly as to a
 * production relay, and the tests read what arrived (parsed by mailparser).
 */
export class Mailbox {
  readonly messages: ParsedMail[] = [];
  /** addresses the server refuses at RCPT TO with a permanent 550, as a real relay does */
  readonly refused = new Set<string>();

  private constructor(
    private readonly server: SMTPServer,
    readonly url: string,
  ) {}

  static async start(): Promise<Mailbox> {
    const messages: ParsedMail[] = [];
    const refused = new Set<string>();
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (!refused.has(address.address.toLowerCase())) return callback();
        const err = Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 });
        callback(err);
      },
      onData(stream, _session, callback) {
        simpleParser(stream).then(
          (mail) => {
            messages.push(mail);
            callback();
          },
          (err: Error) => callback(err),
        );
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.server.address() as AddressInfo;
    const box = new Mailbox(server, `smtp://127.0.0.1:${port}`);
    (box as { messages: ParsedMail[] }).messages = messages;
    (box as { refused: Set<string> }).refused = refused;
    return box;
  }

  /** The messages sent to `address`, oldest first. */
  to(address: string): ParsedMail[] {
    const want = address.toLowerCase();
    return this.messages.filter((m) => {
      const to = Array.isArray(m.to) ? m.to : m.to ? [m.to] : [];
      return to.some((a) => a.value.some((v) => v.address?.toLowerCase() === want));
    });
  }

  /** The one message sent to `address` (fails the test if there is not exactly one). */
  only(address: string): ParsedMail {
    const found = this.to(address);
    if (found.length !== 1) throw new Error(`expected 1 message to ${address}, found ${found.length}`);
    return found[0]!;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The link of a sign-up confirmation message, and its token. */
export function confirmationLink(mail: ParsedMail): { link: string; token: string } {
  const link = /https?:\/\/\S+\/signup\/confirm\?token=\S+/.exec(mail.text ?? '')?.[0];
  if (!link) throw new Error(`no confirmation link in: ${mail.text}`);
  return { link, token: new URL(link).searchParams.get('token') ?? '' };
}
