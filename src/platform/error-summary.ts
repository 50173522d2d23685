import crypto from 'node:crypto';
import { AppError, fromDatabaseError } from './errors.js';

/**
 * What an error may say in a log line or on a terminal. Driver errors carry the SQL and every
 * query parameter (drizzle's DrizzleQueryError puts both in its message, pg's DatabaseError
 * may quote the data in `where`): an uploaded file of 20 MB once made a log line of 120 MB.
 * Here values are summarised by size and a sha256 prefix, free text is capped, and the SQL is
 * kept only as its first words (it is our code, but a bulk insert is long).
 */

const MAX_TEXT = 200;
const MAX_FRAMES = 12;
const MAX_DEPTH = 3;
/** primitive fields of pg's DatabaseError and of Fastify/our errors that are safe and useful */
const FIELDS = [
  'code',
  'status',
  'statusCode',
  'severity',
  'routine',
  'constraint',
  'table',
  'column',
  'schema',
  'dataType',
  'validationContext',
];
const TEXT_FIELDS = ['detail', 'hint'];

const sha = (s: string | Uint8Array) => crypto.createHash('sha256').update(s).digest('hex').slice(0, 12);

/** A value as sizes and a hash: enough to tell two values apart, nothing of their content. */
export function summariseValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return typeof v;
  if (typeof v === 'string') return `string(${v.length}) sha256:${sha(v)}`;
  if (v instanceof Uint8Array) return `bytes(${v.length}) sha256:${sha(v)}`;
  if (v instanceof Date) return 'date';
  let json: string;
  try {
    json = JSON.stringify(v) ?? '';
  } catch {
    return typeof v;
  }
  return `${Array.isArray(v) ? 'array' : 'object'}(${json.length}) sha256:${sha(json)}`;
}

/** At most MAX_TEXT characters on one line; longer text says how long it was. */
export function capText(s: string, max = MAX_TEXT): string {
  const line = s.replace(/\s+/g, ' ');
  return line.length <= max ? line : `${line.slice(0, max)}… (${s.length} chars, sha256:${sha(s)})`;
}

/** pg's `where` names a place ("PL/pgSQL function f() line 3"), or quotes data after a colon. */
const whereOf = (s: string) => capText(s.split(/: |\s=\s/)[0] ?? '', 120);

const isDriverError = (e: Record<string, unknown>) => typeof e.query === 'string' || 'params' in e;

/** pino serializer for `err`: type, capped message, safe fields, stack frames, cause. */
export function serializeError(err: unknown, depth = 0): Record<string, unknown> {
  if (typeof err !== 'object' || err === null) return { message: capText(String(err)) };
  const e = err as Record<string, unknown> & { message?: unknown; stack?: unknown };
  const out: Record<string, unknown> = {
    type: (err as object).constructor?.name ?? 'Object',
    message: isDriverError(e) ? 'Failed query' : capText(String(e.message ?? '')),
  };
  for (const k of FIELDS) {
    const v = e[k];
    if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (typeof v === 'string') out[k] = capText(v, 80);
  }
  for (const k of TEXT_FIELDS) if (typeof e[k] === 'string') out[k] = capText(e[k] as string);
  if (typeof e.where === 'string') out.where = whereOf(e.where);
  if (typeof e.query === 'string') out.query = capText(e.query, 120);
  for (const k of ['params', 'parameters', 'values']) {
    const v = e[k];
    if (Array.isArray(v))
      out[k] = {
        count: v.length,
        values: v.slice(0, 10).map(summariseValue),
        ...(v.length > 10 ? { more: v.length - 10 } : {}),
      };
    else if (v !== undefined) out[k] = summariseValue(v);
  }
  if (typeof e.stack === 'string') {
    // The stack's first line repeats the message (SQL and parameters included): frames only.
    const frames = e.stack
      .split('\n')
      .filter((l) => /^\s+at /.test(l))
      .slice(0, MAX_FRAMES);
    out.stack = frames.map((l) => capText(l.trim(), 200)).join('\n');
  }
  if (e.cause !== undefined && depth < MAX_DEPTH) out.cause = serializeError(e.cause, depth + 1);
  return out;
}

/** The PostgreSQL error inside a driver's wrapper, if any. */
function databaseCause(err: unknown): { code: string; message: string } | null {
  let e = err as { code?: unknown; message?: unknown; severity?: unknown; cause?: unknown } | undefined;
  for (let i = 0; e && i < 4; i++, e = e.cause as typeof e) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string')
      return { code: e.code, message: String(e.message ?? '') };
  }
  return null;
}

/**
 * One line for a person (the CLI's error output): a stable code and a message, never SQL or
 * data. An AppError says what to do already; a database error says what the database refused.
 */
export function summariseError(err: unknown): { code: string; message: string } {
  if (err instanceof AppError) return { code: err.code, message: capText(err.message, 1000) };
  const db = databaseCause(err);
  if (db) {
    const known = fromDatabaseError(db);
    if (known) return { code: known.code, message: known.message };
    return {
      code: 'DATABASE_ERROR',
      message: `The database refused the operation (SQLSTATE ${db.code}: ${capText(db.message, 120)}).`,
    };
  }
  const code = (err as { code?: unknown })?.code;
  const message = err instanceof Error ? err.message : String(err);
  const isDriver = typeof err === 'object' && err !== null && isDriverError(err as Record<string, unknown>);
  return {
    code: typeof code === 'string' && code.length <= 60 ? code : 'ERROR',
    message: isDriver ? 'A database query failed.' : capText(message, 1000),
  };
}
