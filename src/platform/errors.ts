/**
 * The one error type of the application. `code` is stable (clients may switch on it);
 * `message` is written for a person: what is wrong and what to do.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    /** sent as Retry-After: the client may try again after this many seconds */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string, code = `${what.toUpperCase().replace(/[^A-Z]+/g, '_')}_NOT_FOUND`) =>
  new AppError(404, code, `No ${what.toLowerCase()} with that id exists here.`);

export const badRequest = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError(400, code, message, details);

export const conflict = (code: string, message: string) => new AppError(409, code, message);

export const forbidden = (message = 'Your role does not allow this action.') =>
  new AppError(403, 'FORBIDDEN', message);

export const unauthorized = (message = 'Sign in or send a valid API token.') =>
  new AppError(401, 'UNAUTHENTICATED', message);

/** A tenant being moved between regions: reads work, writes wait for the move to end. */
export const tenantMoving = () =>
  new AppError(
    503,
    'TENANT_MOVING',
    'This workspace is moving to another region: it can be read, but changes are refused until the move ends (usually minutes). Retry later.',
    { retryAfterSeconds: 30 },
  );

/** PostgreSQL error codes we translate into client errors instead of 500s. */
export function fromDatabaseError(err: unknown): AppError | null {
  // The write-freeze guard of region moves (migration move_guards), also when drizzle wraps it.
  const guard = err as { code?: string; cause?: { code?: string } };
  if (guard?.code === 'SR503' || guard?.cause?.code === 'SR503') return tenantMoving();
  const e = err as { code?: string; constraint?: string };
  if (!e || typeof e.code !== 'string') return null;
  switch (e.code) {
    case '23505':
      return conflict('ALREADY_EXISTS', 'Something with the same unique value already exists.');
    case '23503':
      return conflict(
        'REFERENCE_IN_USE',
        'This refers to, or is referred to by, something else that prevents the change.',
      );
    case '22001':
      return badRequest('VALUE_TOO_LONG', 'A value is longer than allowed.');
    case '22P02':
      return badRequest('INVALID_VALUE', 'A value has the wrong format.');
    case '42501':
      return new AppError(404, 'NOT_FOUND', 'Not found.');
    case '40001':
      return new AppError(503, 'RETRY', 'The request conflicted with another one; please retry.');
    default:
      return null;
  }
}

/** SQLSTATEs that mean "the database is not there right now", not "the request is wrong". */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
/** node-postgres and pg-pool say these in words only (no code). */
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Cannot use a pool after calling end on the pool',
  'Client has encountered a connection error and is not queryable',
];

/**
 * A connection-level failure (refused, reset, pool timeout, server shutting down, too many
 * connections) anywhere in the error's cause chain (drizzle wraps driver errors): 503 with
 * Retry-After, so clients and proxies retry instead of reporting a bug.
 */
export function databaseUnavailable(err: unknown): AppError | null {
  let e = err as { code?: unknown; message?: unknown; syscall?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    const message = typeof e.message === 'string' ? e.message : '';
    if (
      // A socket error of ours has a syscall (connect, read); a client that hung up ("aborted") has none.
      (UNAVAILABLE_SOCKET_CODES.has(code) && typeof e.syscall === 'string') ||
      UNAVAILABLE_SQLSTATES.has(code) ||
      /^08[0-9A-Z]{3}$/.test(code) ||
      UNAVAILABLE_MESSAGES.some((m) => message.startsWith(m))
    ) {
      return new AppError(
        503,
        'DATABASE_UNAVAILABLE',
        'The database cannot be reached right now. Try again in a few seconds; send the same Idempotency-Key with a retried change and it is applied at most once.',
        undefined,
        5,
      );
    }
    e = e.cause as typeof e;
  }
  return null;
}
