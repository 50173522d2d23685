import { z } from 'zod';
import { problemSchema } from '../../http/common-schemas.js';

/**
 * The OpenAPI shape of the subscription and objection pages (/t/...): no authentication. Only
 * responses are declared (no params, query or body schema), so nothing is validated that the
 * handlers do not already check: the declaration documents, it does not change behaviour.
 * A browser's form gets HTML (pages.ts), an API client JSON; errors accordingly.
 */

const page = z.string().describe('The HTML page');
export const html = { content: { 'text/html': { schema: page } } };
export const jsonOrHtml = <T extends z.ZodType>(json: T) => ({
  content: { 'application/json': { schema: json }, 'text/html': { schema: page } },
});

type PageProblemStatus = 400 | 403 | 404 | 409 | 410 | 413 | 415 | 429;

/** Errors as application/problem+json, or (a browser's form) as an HTML page saying the same. */
export function pageProblems(...statuses: PageProblemStatus[]) {
  const answer = {
    content: {
      'application/problem+json': { schema: problemSchema },
      'text/html': { schema: page.describe('The problem, as a page') },
    },
  };
  return Object.fromEntries(statuses.map((s) => [s, answer]));
}

export const pub = (operationId: string, summary: string) => ({
  operationId,
  summary,
  tags: ['public'],
  security: [],
});

const subscribeResponses = {
  202: jsonOrHtml(
    z.object({
      status: z.literal('confirmation-sent'),
      message: z.string().describe('What happens next, for a person'),
    }),
  ),
  ...pageProblems(400, 404, 413, 415, 429),
};

/** Route options of the subscription and objection pages (subscribe.routes.ts, objections.routes.ts). */
export const noticePageOptions = {
  subscribeToList: {
    schema: {
      ...pub('subscribeToList', 'Subscribe to email notices of changes to one list (confirmed by a link)'),
      response: subscribeResponses,
    },
  },
  subscribeToWorkspace: {
    schema: {
      ...pub('subscribeToWorkspace', 'Subscribe to email notices of changes to every list of a workspace'),
      response: subscribeResponses,
    },
  },
  confirmPage: {
    schema: {
      ...pub('getSubscriptionConfirmPage', 'The page behind a confirmation link: a button that confirms'),
      response: { 200: html, ...pageProblems(400) },
    },
  },
  confirm: {
    schema: {
      ...pub('confirmSubscription', 'Confirm a subscription with the token of its link'),
      response: {
        200: jsonOrHtml(
          z.object({
            status: z.literal('confirmed'),
            email: z.string(),
            preferencesUrl: z.string().describe("the subscriber's preferences page (signed link, 90 days)"),
          }),
        ),
        ...pageProblems(400, 404, 410, 413, 415),
      },
    },
  },
  unsubscribePage: {
    schema: {
      ...pub('getUnsubscribePage', 'The page behind an unsubscribe link: a button that unsubscribes'),
      response: { 200: html, ...pageProblems(400, 404) },
    },
  },
  unsubscribe: {
    schema: {
      ...pub('unsubscribe', 'Unsubscribe with the token of a link (RFC 8058 one-click too)'),
      response: {
        200: jsonOrHtml(z.object({ status: z.literal('unsubscribed') })),
        ...pageProblems(400, 404, 413, 415),
      },
    },
  },
  preferencesPage: {
    schema: {
      ...pub('getSubscriptionPreferences', "A subscriber's preferences page behind a personal signed link"),
      response: { 200: html, ...pageProblems(400, 404) },
    },
  },
  updatePreferences: {
    schema: {
      ...pub(
        'updateSubscriptionPreferences',
        'Change organisation or scope (one list or every list), or unsubscribe, with the token of a preferences link',
      ),
      response: {
        200: jsonOrHtml(
          z.object({
            status: z.enum(['saved', 'unsubscribed']),
            email: z.string(),
            organisation: z.string().nullable(),
            scope: z.string().describe("'all' (every list of the workspace) or the slug of one list"),
            changed: z.array(z.string()).describe('The fields this request changed'),
          }),
        ),
        ...pageProblems(400, 404, 409, 413, 415),
      },
    },
  },
  objectionForm: {
    schema: {
      ...pub('getObjectionForm', "The objection form behind a notice's personal link"),
      response: { 200: html, ...pageProblems(400, 404, 410) },
    },
  },
  submitObjection: {
    schema: {
      ...pub('submitObjection', 'Object to a change before it takes effect; answered by email'),
      response: {
        201: jsonOrHtml(z.object({ id: z.string(), status: z.literal('open') })),
        ...pageProblems(400, 404, 409, 410, 413, 415),
      },
    },
  },
};
