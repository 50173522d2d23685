import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

/**
 * Request ids. The server always makes its own (a UUID): it is the id in logs, problem+json
 * and the audit log. A caller's `x-request-id` is kept apart, and only when it is short and
 * plain (a correlation id, not a payload): logged as `clientRequestId` and echoed in
 * `x-client-request-id`. Anything else is ignored.
 */
export const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export const newRequestId = (): string => crypto.randomUUID();

export function clientRequestIdOf(req: IncomingMessage): string | null {
  const sent = req.headers['x-request-id'];
  return typeof sent === 'string' && CLIENT_REQUEST_ID.test(sent) ? sent : null;
}

declare module 'fastify' {
  interface FastifyRequest {
    clientRequestId: string | null;
  }
}

export function registerRequestIds(app: FastifyInstance): void {
  app.decorateRequest('clientRequestId', null);
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    req.clientRequestId = clientRequestIdOf(req.raw);
    if (req.clientRequestId) reply.header('x-client-request-id', req.clientRequestId);
  });
}
