import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

export type Session = components['schemas']['Session'];
export type List = components['schemas']['List'];
export type Entry = components['schemas']['Entry'];
export type ImportView = components['schemas']['Import'];
export type VersionSummary = components['schemas']['VersionSummary'];

/** The session's CSRF token: sign-in and GET /auth/session hand it over; every change sends it. */
let csrfToken = '';
export const setCsrfToken = (token: string) => {
  csrfToken = token;
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use({
  onRequest({ request }) {
    if (request.method !== 'GET' && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
});

/** A problem+json answer, kept whole: `detail` says what to do, `fields` maps a field to its error. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(detail);
  }
}

interface Problem {
  status?: number;
  code?: string;
  detail?: string;
  details?: { issues?: { where: string; message: string }[] };
}

export function toApiError(error: unknown, response: Response): ApiError {
  const p = (error ?? {}) as Problem;
  const fields: Record<string, string> = {};
  for (const issue of p.details?.issues ?? []) {
    // "body.tenant.slug" -> "tenant.slug": the name the form gave the field
    const name = issue.where.replace(/^(body|query|params)\.?/, '');
    if (name && !fields[name]) fields[name] = issue.message;
  }
  return new ApiError(
    response.status,
    p.code ?? 'HTTP_' + response.status,
    p.detail ?? `The server answered ${response.status}. Try again; if it persists, tell your administrator.`,
    fields,
  );
}

/** Unwraps an openapi-fetch answer: the data, or an ApiError to show where the person can act. */
export async function call<T>(
  promise: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await promise;
  if (!response.ok) throw toApiError(error, response);
  return data as T;
}

/** Multipart upload of an import (openapi-fetch sends JSON; the route takes a "file" field). */
export async function uploadImport(tenant: string, listId: string, file: File): Promise<ImportView> {
  const form = new FormData();
  form.append('file', file, file.name);
  const response = await fetch(
    `/api/v1/tenants/${encodeURIComponent(tenant)}/lists/${encodeURIComponent(listId)}/imports`,
    { method: 'POST', body: form, credentials: 'same-origin', headers: { 'x-csrf-token': csrfToken } },
  );
  const body = await response.json().catch(() => null);
  if (!response.ok) throw toApiError(body, response);
  return body as ImportView;
}
