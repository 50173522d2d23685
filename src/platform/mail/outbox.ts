import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** The header that says which workspace an outbox message was written for. */
export const TENANT_HEADER = 'X-Subreg-Tenant';

/** The only names the outbox writes: nothing else (no `..`, no slash) is ever opened by name. */
export const OUTBOX_NAME = /^\d{8}T\d{9}Z-[0-9a-f]{8}\.eml$/;

/** Where messages go when no SMTP server is configured. */
export const outboxDir = (dataDir: string) => path.join(dataDir, 'outbox');

/** 20261202T045012345Z: sorts as time does. */
const stamp = (d: Date) => d.toISOString().replace(/[-:.]/g, '');

/**
 * Writes one message as `<time>-<random>.eml`, completely or not at all (a temporary name,
 * then a rename), so a reader never sees half a message.
 */
export async function writeToOutbox(dir: string, raw: Buffer, date: Date): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const name = `${stamp(date)}-${crypto.randomBytes(4).toString('hex')}.eml`;
  const file = path.join(dir, name);
  const tmp = path.join(dir, `.${name}.tmp`);
  await fs.writeFile(tmp, raw, { mode: 0o600 });
  await fs.rename(tmp, file);
  return file;
}

export interface OutboxEntry {
  /** the Date header, ISO 8601 */
  date: string;
  to: string;
  subject: string;
  file: string;
  /** the file's name in the outbox */
  name: string;
  /** bytes */
  size: number;
  /** the workspace it was written for (X-Subreg-Tenant), or null (sign-up, password reset) */
  tenantId: string | null;
}

const MAX_FILTER_SCAN = 10_000;

/** The messages in the outbox, newest first: what `subreg mail outbox` prints. */
export async function listOutbox(
  dataDir: string,
  limit = 1000,
  only?: (e: OutboxEntry) => boolean,
): Promise<OutboxEntry[]> {
  const dir = outboxDir(dataDir);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return [];
    throw err;
  }
  const emls = names
    .filter((n) => n.endsWith('.eml') && !n.startsWith('.'))
    .sort()
    .reverse();
  const out: OutboxEntry[] = [];
  // a filtered listing reads at most this many messages' headers: an answer stays bounded
  // however much mail other workspaces have in the outbox
  for (const name of only ? emls.slice(0, MAX_FILTER_SCAN) : emls) {
    if (out.length >= limit) break;
    const entry = await readEntry(dir, name);
    if (entry && (!only || only(entry))) out.push(entry);
  }
  return out;
}

/** One message's summary, or null when it is gone (removed between listing and reading). */
async function readEntry(dir: string, name: string): Promise<OutboxEntry | null> {
  const file = path.join(dir, name);
  try {
    const [head, stat] = await Promise.all([readHead(file), fs.stat(file)]);
    const headers = parseHeaders(head);
    const date = new Date(headers.date ?? '');
    return {
      date: Number.isNaN(date.getTime()) ? '' : date.toISOString(),
      to: headers.to ?? '',
      subject: headers.subject ?? '',
      file,
      name,
      size: stat.size,
      tenantId: headers[TENANT_HEADER.toLowerCase()] ?? null,
    };
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * One message by its name, only if the name is one the outbox writes (checked before any path is
 * made from it) and, when `tenantId` is given, the message was written for that workspace.
 */
export async function readOutboxMessage(
  dataDir: string,
  name: string,
  tenantId: string,
): Promise<Buffer | null> {
  if (!OUTBOX_NAME.test(name)) return null;
  const dir = outboxDir(dataDir);
  const entry = await readEntry(dir, name);
  if (!entry || entry.tenantId !== tenantId) return null;
  return fs.readFile(path.join(dir, name));
}

async function readHead(file: string): Promise<string> {
  const handle = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('latin1');
  } finally {
    await handle.close();
  }
}

/** The header block of a message: folded lines unfolded, names lower-cased, words decoded. */
export function parseHeaders(raw: string): Record<string, string> {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const out: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    out[name] ??= decodeWords(line.slice(colon + 1).trim());
  }
  return out;
}

/** RFC 2047 encoded words (=?UTF-8?Q?...?= and =?UTF-8?B?...?=), as nodemailer writes them. */
export function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, charset: string, enc: string, text: string) => {
      const bytes =
        enc.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : Buffer.from(
              text
                .replace(/_/g, ' ')
                .replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
              'latin1',
            );
      return /^utf-?8$/i.test(charset) ? bytes.toString('utf8') : bytes.toString('latin1');
    });
}
