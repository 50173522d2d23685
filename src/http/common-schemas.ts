import { z } from 'zod';
import { describeChar, findUnsafeChar } from '../platform/unsafe-chars.js';

/**
 * Refuses characters nothing can store or publish (NUL and other C0 controls except tab, LF and
 * CR; lone surrogates; U+FFFE/U+FFFF: platform/unsafe-chars.ts), naming the character and
 * where it is, so the sender can find it: "body.purpose: contains U+FFFF (a noncharacter) at
 * position 12; remove it".
 */
export function refuseUnsafeChars(ctx: z.core.ParsePayload<string>): void {
  const bad = findUnsafeChar(ctx.value);
  if (bad)
    ctx.issues.push({
      code: 'custom',
      input: ctx.value,
      message: `contains ${describeChar(bad.codePoint)} at position ${bad.position}; remove it`,
    });
}

export const storableString = () => z.string().check(refuseUnsafeChars);

/** Text as people write it: bounded, storable (see above), ends trimmed. */
export const text = (max: number) => storableString().trim().max(max, `must be at most ${max} characters`);

export const requiredText = (max: number) => text(max).pipe(z.string().min(1, 'must not be empty'));

export const uuidParam = z.uuid({ message: 'must be a UUID' });

export const tenantParams = z.object({
  tenant: z
    .string()
    .min(1)
    .max(48)
    .regex(/^[a-z0-9-]+$/, 'must be a workspace slug'),
});

export const paginationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    nextOffset: z.number().int().nullable(),
  });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().describe('Stable machine-readable error code'),
    detail: z.string().describe('What is wrong and what to do, for a person'),
    instance: z.string().optional(),
    requestId: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'Problem' });

type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 501 | 503;

/**
 * The error answers a route declares, each an RFC 9457 problem (application/problem+json, the
 * shared `Problem` schema): `...problems(400, 404)` in a route's `response`.
 */
export function problems<S extends ProblemStatus>(...statuses: S[]): Record<S, typeof problemSchema> {
  return Object.fromEntries(statuses.map((s) => [s, problemSchema])) as Record<S, typeof problemSchema>;
}

/** The error answers every authenticated route can give. */
export const problemResponses = problems(400, 401, 403, 404, 409, 413, 429, 503);

/** Routes that take an Idempotency-Key: 422 when the key was used for another request. */
export const idempotentProblems = problems(422);
