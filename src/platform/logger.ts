import type { LoggerOptions } from 'pino';
import { serializeError } from './error-summary.js';

/**
 * Structured logs; secrets never reach them, and neither do query parameters or request bodies:
 * errors go through `serializeError` (sizes and a hash of big values, never their bytes).
 */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    serializers: { err: serializeError },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.token',
      ],
      censor: '[redacted]',
    },
  };
}
