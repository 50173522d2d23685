import type { FastifyInstance } from 'fastify';
import { AppError } from '../platform/errors.js';

/**
 * The JSON body parser, in place of Fastify's, so that each refusal says what is wrong: empty,
 * not JSON (with the parser's words), or a `__proto__` / `constructor.prototype` key (refused
 * because naive merging of such objects changes every object of a server).
 */
export function registerJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}

export function parseJsonBody(text: string): unknown {
  if (text.trim().length === 0)
    throw new AppError(400, 'EMPTY_BODY', 'The request body is empty; send a JSON object.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const why = (err as Error).message.slice(0, 160);
    throw new AppError(
      400,
      'MALFORMED_JSON',
      `The request body is not valid JSON (${why}). Check quotes, commas and brackets.`,
    );
  }
  // The scan is only needed when the text can hold such a key.
  if (text.includes('__proto__') || text.includes('constructor')) refusePrototypeKeys(value);
  return value;
}

function refusePrototypeKeys(root: unknown): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Object.hasOwn(node, '__proto__')) throw forbiddenKey('"__proto__"');
    const ctor = Object.hasOwn(node, 'constructor') ? (node as { constructor: unknown }).constructor : null;
    if (ctor !== null && typeof ctor === 'object' && Object.hasOwn(ctor, 'prototype'))
      throw forbiddenKey('"constructor" with a "prototype"');
    for (const v of Object.values(node)) if (v !== null && typeof v === 'object') stack.push(v);
  }
}

const forbiddenKey = (what: string) =>
  new AppError(
    400,
    'FORBIDDEN_JSON_KEY',
    `The body contains a ${what} key. It is refused because it can change the prototype of objects; no field of this API has that name, so remove it.`,
  );
