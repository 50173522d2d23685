import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HttpLimits } from '../platform/config.js';
import { AppError } from '../platform/errors.js';

/**
 * Timeouts of the HTTP server. Node checks request and header deadlines every
 * `connectionsCheckingInterval` (30 s by default, far too coarse for a 10 s header limit), so the
 * interval follows the header limit. A socket silent for the request timeout is closed too
 * (a client that stops reading a response).
 */
export function transportOptions(limits: HttpLimits) {
  return {
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(5_000, Math.floor(limits.headersTimeoutMs / 4))),
    },
  };
}

/** Errors Node raises before a request reaches Fastify (timeouts, broken HTTP), as problem+json. */
export function clientErrorHandler(limits: HttpLimits) {
  return function onClientError(this: FastifyInstance, err: Error & { code?: string }, socket: Socket) {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, code, detail] =
      err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [
            408,
            'REQUEST_TIMEOUT',
            `The request did not arrive in time: headers must arrive within ${seconds(limits.headersTimeoutMs)} and the whole request within ${seconds(limits.requestTimeoutMs)}.`,
          ]
        : err.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'HEADERS_TOO_LARGE', 'The request headers are too large; send fewer or shorter headers.']
          : [400, 'MALFORMED_HTTP', 'The request is not valid HTTP/1.1.'];
    this.log.info({ code, remoteAddress: socket.remoteAddress }, 'connection refused');
    if (socket.writable) {
      const body = JSON.stringify({
        type: `https://subreg.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
        title: code,
        status,
        code,
        detail,
      });
      socket.write(
        `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/**
 * At most `max` open connections per client address (0: no cap). The address is the socket's,
 * so behind a reverse proxy every client is the proxy: its address goes in `exempt` (loopback
 * by default, for a proxy on this host), and the proxy caps its clients. A connection beyond
 * the cap is answered 503 on its first request and closed; one that sends nothing is closed
 * after a second.
 */
export function capConnectionsPerClient(
  app: FastifyInstance,
  max: number,
  exempt: readonly string[],
): (socket: Socket) => boolean {
  if (max <= 0) return () => false;
  const free = new Set(exempt);
  const open = new Map<string, number>();
  const refused = new WeakSet<Socket>();
  app.server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    if (free.has(address)) return;
    const count = open.get(address) ?? 0;
    if (count >= max) {
      refused.add(socket);
      socket.setTimeout(1_000, () => socket.destroy());
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
  app.decorateRequest('overConnectionCap', false);
  app.addHook('onRequest', async (req, reply) => {
    if (!refused.has(req.raw.socket)) return;
    req.overConnectionCap = true;
    reply.header('connection', 'close');
    throw new AppError(
      503,
      'TOO_MANY_CONNECTIONS',
      `This client address has ${max} connections open already: reuse them (keep-alive) or close some, then retry.`,
      undefined,
      1,
    );
  });
  /** whether a socket is over the cap (the public fast path leaves those to this hook) */
  return (socket) => refused.has(socket);
}

declare module 'fastify' {
  interface FastifyRequest {
    overConnectionCap: boolean;
  }
}

/** A refused body is read up to twice the route's limit, and at least this much. */
const MIN_DRAIN_BYTES = 16 * 1024 * 1024;

/**
 * A refused request (413, 401, 404 ...) whose body is still arriving: read and discard it, up
 * to twice the route's body limit (at least 16 MB), so the client finishes sending and reads
 * the answer instead of failing with EPIPE or a reset. Beyond the bound (or a declared length
 * beyond it) the connection is closed. The request timeout still bounds the time this takes.
 */
export function drainUnreadBody(req: FastifyRequest, reply: FastifyReply, defaultBodyLimit: number): void {
  const raw = req.raw;
  if (raw.complete || raw.destroyed || req.overConnectionCap) return;
  const bound = Math.max(MIN_DRAIN_BYTES, 2 * (req.routeOptions.bodyLimit ?? defaultBodyLimit));
  const declared = Number(req.headers['content-length']);
  if (declared > bound) {
    reply.header('connection', 'close');
    return;
  }
  // Fastify closes the connection on a parser error; keep it until the body is read instead
  // (closing with unread bytes makes the kernel send a reset, and the client loses the answer).
  reply.removeHeader('connection');
  let seen = 0;
  raw.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > bound) raw.socket?.destroy();
  });
  raw.resume();
}
