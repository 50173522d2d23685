import crypto from 'node:crypto';

export const newId = (): string => crypto.randomUUID();

export const sha256Hex = (value: string): string => crypto.createHash('sha256').update(value).digest('hex');

/** URL-safe random secret with a readable prefix, e.g. `srg_w_...` for a write token. */
export const randomSecret = (prefix: string, bytes = 32): string =>
  `${prefix}${crypto.randomBytes(bytes).toString('base64url')}`;

/** Constant-time comparison of two strings. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && crypto.timingSafeEqual(ab, bb);
}
