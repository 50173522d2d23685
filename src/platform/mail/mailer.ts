import path from 'node:path';
import { AppError } from '../errors.js';
import { TENANT_HEADER, outboxDir, writeToOutbox } from './outbox.js';

/** One message: plain text always (every client reads it), HTML when it helps. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
  /** `<id@host>`: a stable one lets a recipient's server recognise a repeat */
  messageId?: string;
  /** the workspace the message is sent for: the outbox marks it (X-Subreg-Tenant) so owners see their own */
  tenantId?: string;
}

export interface SentMail {
  messageId: string;
  /** the .eml file, when the message went to the outbox */
  file: string | null;
  /** the SMTP server's answer to the message (e.g. "250 OK: queued as ..."), when sent over SMTP */
  response?: string;
}

export interface Mailer {
  readonly mode: 'smtp' | 'outbox';
  send(message: MailMessage): Promise<SentMail>;
  close(): void;
}

/** Open SMTP connections at most (the notice worker hands over 16 messages at once; the pool queues). */
export const POOL_CONNECTIONS = 8;

export interface MailerOptions {
  /** smtp(s)://...; null: no SMTP server, messages are written to dataDir/outbox */
  smtpUrl: string | null;
  from: string;
  dataDir: string;
  /** one line per message written to the outbox, so a newcomer finds it */
  log: (line: string) => void;
}

/**
 * The platform's mail: nodemailer over SMTP when SMTP_URL is set; otherwise every message is
 * written as an RFC 5322 .eml file under DATA_DIR/outbox (one file per message, named so that
 * names sort by time) and `subreg mail outbox` lists them. Later features (change notices)
 * send through the same `send`.
 */
export function createMailer(opts: MailerOptions): Mailer {
  // nodemailer is loaded on the first message: most processes (the CLI) never send one.
  type Transport = import('nodemailer').Transporter;
  let transport: Promise<Transport> | null = null;
  type Nodemailer = typeof import('nodemailer')['default'];
  const load = (make: (nm: Nodemailer) => Transport) =>
    (transport ??= import('nodemailer').then((m) => make(m.default)));
  const close = () => void transport?.then((t) => t.close());
  if (opts.smtpUrl) {
    const smtpUrl = opts.smtpUrl;
    return {
      mode: 'smtp',
      async send(m) {
        try {
          // Pooled: a notice's fan-out reuses a few open connections (each new one costs the
          // relay's greeting and EHLO); `close()` ends them, so every process calls it when done.
          const t = await load((nm) =>
            nm.createTransport({
              url: smtpUrl,
              pool: true,
              maxConnections: POOL_CONNECTIONS,
              maxMessages: 1000,
            }),
          );
          const { tenantId: _internal, ...message } = m;
          const info = await t.sendMail({ from: opts.from, ...message });
          return { messageId: info.messageId, file: null, response: String(info.response ?? '') };
        } catch (err) {
          throw mailUnavailable(err);
        }
      },
      close,
    };
  }
  const dir = outboxDir(opts.dataDir);
  return {
    mode: 'outbox',
    async send(m) {
      const date = new Date();
      // CRLF line ends, as RFC 5322 says; the message is composed exactly as it would be sent.
      const composer = await load((nm) =>
        nm.createTransport({ streamTransport: true, buffer: true, newline: 'windows' }),
      );
      const { tenantId, ...message } = m;
      const headers = tenantId ? { ...m.headers, [TENANT_HEADER]: tenantId } : m.headers;
      const info = await composer.sendMail({ from: opts.from, date, ...message, headers });
      let file: string;
      try {
        file = await writeToOutbox(dir, info.message as Buffer, date);
      } catch (err) {
        throw mailUnavailable(err);
      }
      opts.log(`mail written to ${shown(file)}`);
      return { messageId: info.messageId, file };
    },
    close,
  };
}

/** data/outbox/... when the file is under the working directory (as with the defaults). */
function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

function mailUnavailable(err: unknown): AppError {
  const e = new AppError(
    503,
    'MAIL_UNAVAILABLE',
    'We could not send the email just now; nothing was lost. Try again in a few minutes.',
  );
  (e as { cause?: unknown }).cause = err;
  return e;
}
