import crypto from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IdempotencyRequest, TenantContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** the route accepts `Idempotency-Key`; its success status */
    idempotentStatus?: number;
  }
}

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Printable ASCII without quotes or backslashes; a UUID is the usual choice. */
const KEY_RE = /^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,255}$/;

/**
 * The `Idempotency-Key` of a request to a route that accepts one (route config
 * `idempotentStatus`), with the fingerprint of everything that makes the request what it is.
 * The header is a structured-field string (`"..."`) in the IETF draft, a bare token at Stripe;
 * both are accepted. Routes that do not accept the header ignore it.
 */
export function idempotencyOf(req: FastifyRequest, ctx: TenantContext): IdempotencyRequest | null {
  const status = req.routeOptions.config.idempotentStatus;
  const sent = req.headers[IDEMPOTENCY_HEADER];
  if (!status || sent === undefined) return null;
  const raw = Array.isArray(sent) ? null : sent.trim();
  const key = raw && /^".*"$/.test(raw) ? raw.slice(1, -1) : raw;
  if (!key || !KEY_RE.test(key)) {
    throw new AppError(
      400,
      'IDEMPOTENCY_KEY_INVALID',
      'Idempotency-Key must be one value of 1 to 255 printable ASCII characters (a UUID is a good choice).',
    );
  }
  const route = req.routeOptions.url ?? req.url;
  const requestHash = sha256(
    canonicalJson([
      req.method,
      route,
      ctx.tenant.id,
      `${ctx.actor.type}:${ctx.actor.id}`,
      req.params,
      req.body,
    ]),
  );
  return { key, requestHash, method: req.method, route, status };
}

/** A streamed body (a multipart upload) joins the fingerprint once it has been read. */
export function bindIdempotencyToBody(ctx: TenantContext, bodyFingerprint: string): void {
  if (ctx.idempotency)
    ctx.idempotency = {
      ...ctx.idempotency,
      requestHash: sha256(`${ctx.idempotency.requestHash}\n${bodyFingerprint}`),
    };
}

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

/** JSON with object keys sorted: the same request hashes the same whatever its key order. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The header in the OpenAPI document: one reusable parameter, referenced by every route that takes it. */
export const idempotencyKeyParameter = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes a retried change safe (IETF draft-ietf-httpapi-idempotency-key-header). Send a new unique value ' +
    '(a UUID) with each change and the same value when retrying it: if the first attempt committed, the ' +
    "answer is that attempt's, with the same status and `Idempotent-Replayed: true`; if it did not, the " +
    'change runs once. The same key with a different request answers 422, and 409 while the first is still ' +
    'running. Keys are kept 24 hours, per caller.',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
} as const;

/** Routes (OpenAPI method + path) that accept the header, collected as routes are added. */
export function collectIdempotentRoutes(app: FastifyInstance): Set<string> {
  const routes = new Set<string>();
  app.addHook('onRoute', (route) => {
    if (!route.config?.idempotentStatus) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const m of methods) routes.add(`${m.toLowerCase()} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
  });
  return routes;
}

/** Adds the reusable parameter to every idempotent operation of the generated document. */
export function addIdempotencyParameter(doc: Record<string, unknown>, routes: Set<string>) {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, { parameters?: unknown[] }>>;
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!routes.has(`${method} ${path}`)) continue;
      op.parameters = [...(op.parameters ?? []), { $ref: '#/components/parameters/IdempotencyKey' }];
    }
  }
  return doc;
}
