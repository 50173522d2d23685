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
