import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { replaceUnsafeChars } from '../../platform/unsafe-chars.js';
import type { ResolvedAddress } from './webhook-address.js';

/** What one attempt came to; every attempt is recorded as this. */
export interface AttemptResult {
  success: boolean;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  /** the first bytes of the answer, at most 1 KB */
  responseExcerpt: string | null;
}

export const EXCERPT_BYTES = 1024;

/** Answers every lookup with the address the guard checked: no second resolution, no rebinding. */
function pinnedLookup(pinned: ResolvedAddress): LookupFunction {
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  }) as unknown as LookupFunction;
}

/**
 * POSTs the signed JSON to the pinned address (TLS still checks the certificate against the
 * URL's host name). Redirects are not followed; only a 2xx answer counts. The whole attempt,
 * from connecting to reading the excerpt, is bounded by `timeoutMs`.
 */
export function postWebhook(opts: {
  url: URL;
  address: ResolvedAddress;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: Omit<AttemptResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ ...r, durationMs: elapsed() });
    };
    const client = opts.url.protocol === 'https:' ? https : http;
    const req = client.request(opts.url, {
      method: 'POST',
      lookup: pinnedLookup(opts.address),
      agent: false,
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(opts.body)),
        'user-agent': 'subreg-webhooks/1',
        ...opts.headers,
      },
    });
    const timer = setTimeout(
      () =>
        finish({
          success: false,
          httpStatus: null,
          error: `timed out after ${opts.timeoutMs} ms`,
          responseExcerpt: null,
        }),
      opts.timeoutMs,
    );
    req.on('error', (err: NodeJS.ErrnoException) =>
      finish({
        success: false,
        httpStatus: null,
        error: `${err.code ? `${err.code}: ` : ''}${err.message}`.slice(0, 300),
        responseExcerpt: null,
      }),
    );
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        const excerpt = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8');
        const success = status >= 200 && status < 300;
        finish({
          success,
          httpStatus: status,
          error: success
            ? null
            : status >= 300 && status < 400
              ? `answered ${status}: redirects are not followed; use the final URL`
              : `answered ${status}`,
          responseExcerpt: excerpt ? replaceUnsafeChars(excerpt) : null,
        });
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= EXCERPT_BYTES) done();
      });
      res.on('end', done);
      res.on('error', done);
    });
    req.end(opts.body);
  });
}
