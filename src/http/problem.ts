import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, databaseUnavailable, fromDatabaseError } from '../platform/errors.js';

/** RFC 9457 problem details; `code` is stable, `detail` is for a person. Never a stack trace. */
export function sendProblem(reply: FastifyReply, req: FastifyRequest, err: AppError): FastifyReply {
  const retryAfter =
    err.retryAfterSeconds ??
    (typeof err.details?.retryAfterSeconds === 'number' ? err.details.retryAfterSeconds : undefined);
  if (retryAfter !== undefined || err.status === 503) reply.header('retry-after', String(retryAfter ?? 1));
  return reply
    .code(err.status)
    .header('x-content-type-options', 'nosniff')
    .type('application/problem+json')
    .send({
      type: `https://subreg.dev/problems/${err.code.toLowerCase().replace(/_/g, '-')}`,
      title: err.code,
      status: err.status,
      code: err.code,
      detail: err.message,
      instance: req.url.length > 200 ? undefined : req.url.split('?')[0],
      requestId: req.id,
      ...(err.details ? { details: err.details } : {}),
    });
}

const FASTIFY_ERRORS: Record<string, [number, string, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'MALFORMED_JSON', 'The request body is not valid JSON.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'EMPTY_BODY', 'The request body is empty; send a JSON object.'],
  FST_ERR_CTP_BODY_TOO_LARGE: [
    413,
    'BODY_TOO_LARGE',
    'The request body is larger than this endpoint accepts.',
  ],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'BAD_CONTENT_LENGTH', 'Content-Length does not match the body.'],
  FST_ERR_CTP_INVALID_TYPE: [400, 'BAD_CONTENT_TYPE', 'The Content-Type header is not valid.'],
  FST_ERR_ASYNC_CONSTRAINT: [400, 'BAD_REQUEST', 'The request could not be routed.'],
  FST_ERR_BAD_URL: [
    400,
    'BAD_URL',
    'The URL is not valid: every "%" must start an escape of UTF-8 bytes such as %20. Encode the path again.',
  ],
  FST_ERR_INVALID_URL: [400, 'BAD_URL', 'The URL is not valid.'],
  FST_ERR_MAX_PARAM_LENGTH: [
    414,
    'URL_PART_TOO_LONG',
    'A part of the URL path is longer than 200 characters; no name or id here is that long. Check the URL.',
  ],
};

const megabytes = (n: number) =>
  n >= 1024 * 1024 ? `${Math.round((n / 1024 / 1024) * 10) / 10} MB` : `${Math.round(n / 1024)} KB`;

/** Words that depend on the route (its body limit, the media type it takes). */
function routeAware(code: string, message: string, req?: FastifyRequest): string {
  if (!req) return message;
  if (code === 'BODY_TOO_LARGE' && req.routeOptions.bodyLimit)
    return `The request body is larger than this endpoint accepts (at most ${megabytes(req.routeOptions.bodyLimit)}). Send less in one request.`;
  if (code === 'UNSUPPORTED_MEDIA_TYPE') {
    const consumes = (req.routeOptions.schema as { consumes?: string[] } | undefined)?.consumes?.[0];
    const sent = String(req.headers['content-type'] ?? 'none')
      .split(';')[0]!
      .slice(0, 100);
    return `This endpoint does not take a body of type ${sent}; send it as ${consumes ?? 'application/json'}.`;
  }
  return message;
}

/** Routing errors (bad percent-encoding, an over-long path part), as problem+json, logged. */
export function frameworkErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const problem = toAppError(err, req);
  req.log.info({ code: problem.code, status: problem.status, fastifyCode: err.code }, 'request refused');
  // These requests never reach the hooks, so their headers are set here.
  reply.header('x-request-id', req.id);
  return sendProblem(reply, req, problem);
}

export function toAppError(err: unknown, req?: FastifyRequest): AppError {
  if (err instanceof AppError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issues = err.validation.map((v) => ({
      where: `${err.validationContext ?? 'body'}${v.instancePath.replace(/\//g, '.')}`.replace(/\.$/, ''),
      message: v.message ?? 'is not valid',
    }));
    const first = issues[0];
    return new AppError(
      400,
      'VALIDATION_FAILED',
      first ? `${first.where}: ${first.message}` : 'The request is not valid.',
      { issues: issues.slice(0, 20) },
    );
  }
  if (isResponseSerializationError(err))
    return new AppError(500, 'INTERNAL', 'Something went wrong on our side.');
  const f = err as FastifyError;
  if (f && typeof f.code === 'string' && FASTIFY_ERRORS[f.code]) {
    const [status, code, message] = FASTIFY_ERRORS[f.code]!;
    return new AppError(status, code, routeAware(code, message, req));
  }
  if (f && f.statusCode === 429)
    return new AppError(429, 'RATE_LIMITED', 'Too many attempts; wait a minute and try again.');
  if (f && typeof f.statusCode === 'number' && f.statusCode >= 400 && f.statusCode < 500) {
    return new AppError(f.statusCode, 'BAD_REQUEST', 'The request is not valid.');
  }
  return (
    databaseUnavailable(err) ??
    fromDatabaseError(err) ??
    new AppError(500, 'INTERNAL', 'Something went wrong on our side; it has been logged.')
  );
}
