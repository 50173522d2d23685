import type { FastifyReply } from 'fastify';
import type { AppError } from '../../platform/errors.js';
import { type Html, html } from '../trust-page/html.js';

/** The small pages of subscriptions and objections: no script, no external resource. */
const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  // Personal tokens are in these pages' URLs: never send them on as a Referer.
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
};

function page(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:38rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}button,input,textarea{font:inherit}button{padding:.5rem 1rem}label{display:block;font-weight:600;margin-top:1rem}input,textarea{width:100%;box-sizing:border-box;padding:.4rem}</style>
</head><body><main><h1>${title}</h1>${body}</main></body></html>`.value;
}

export const sendPage = (reply: FastifyReply, status: number, title: string, body: Html) =>
  reply.code(status).headers(HEADERS).send(page(title, body));

export const problemPage = (reply: FastifyReply, err: AppError, title: string) => {
  if (err.retryAfterSeconds) reply.header('retry-after', String(err.retryAfterSeconds));
  return sendPage(reply, err.status, title, html`<p>${err.message}</p>`);
};

/** Whether the caller wants JSON (an API client) rather than a page (a browser's form). */
export const wantsJson = (contentType: string | undefined, accept: string | undefined) =>
  (contentType ?? '').startsWith('application/json') ||
  ((accept ?? '').includes('application/json') && !(accept ?? '').includes('text/html'));
