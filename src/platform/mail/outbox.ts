import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

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
}

/** The messages in the outbox, newest first: what `subreg mail outbox` prints. */
export async function listOutbox(dataDir: string, limit = 1000): Promise<OutboxEntry[]> {
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
    .reverse()
    .slice(0, limit);
  const out: OutboxEntry[] = [];
  for (const name of emls) {
    const file = path.join(dir, name);
    const headers = parseHeaders(await readHead(file));
    const date = new Date(headers.date ?? '');
    out.push({
      date: Number.isNaN(date.getTime()) ? '' : date.toISOString(),
      to: headers.to ?? '',
      subject: headers.subject ?? '',
      file,
    });
  }
  return out;
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
