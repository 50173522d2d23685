import { z } from 'zod';
import { problems } from '../../http/common-schemas.js';

/** The OpenAPI shape of the public routes (/t/..., the JSON Schema): no authentication. */

const slug = (what: string) => z.string().max(200).describe(what);
const file = (what: string) => z.string().max(200).describe(what);

const tenantPageParams = z.object({ tenant: slug('Workspace slug') });
const listFileParams = tenantPageParams.extend({
  listFile: file('List slug (the HTML page), or slug.json / .csv / .xlsx / .pdf for an export'),
});
const versionFileParams = tenantPageParams.extend({
  list: slug('List slug'),
  versionFile: file('Version number (the HTML page), or number.json / .csv / .xlsx / .pdf'),
});
const feedFileParams = tenantPageParams.extend({
  list: slug('List slug'),
  feedFile: file('feed.atom, feed.rss or feed.json'),
});

/** The page's filter form; an empty field means no filter, so the values are checked after. */
const pageFilterQuery = z.object({
  type: z.string().max(40).optional().describe('affiliate, infrastructure or third_party'),
  group: z.string().max(200).optional(),
  country: z.string().max(2).optional().describe('ISO 3166-1 alpha-2 code such as DE'),
  q: z.string().max(100).optional().describe('Words in the name or purpose'),
  page: z
    .string()
    .max(12)
    .optional()
    .describe('Page of a long list, 200 entries a page (1 is the list URL itself)'),
});

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const bytes = z.string().describe('The file');
const content = (...types: string[]) => ({
  content: Object.fromEntries(types.map((t) => [t, { schema: bytes }])),
});
const notModified = { 304: z.null().describe('Not modified (If-None-Match matched the ETag)') };

const htmlPage = { 200: content('text/html'), ...notModified, ...problems(400, 404) };
const listFile = {
  200: content('text/html', 'application/json', 'text/csv', XLSX, 'application/pdf'),
  ...notModified,
  ...problems(400, 404),
};
const feedFile = {
  200: content('application/atom+xml', 'application/rss+xml', 'application/feed+json'),
  ...notModified,
  ...problems(400, 404),
};
const jsonSchemaFile = {
  200: content('application/schema+json'),
  ...problems(400),
};

const pub = (operationId: string, summary: string) => ({
  operationId,
  summary,
  tags: ['public'],
  security: [],
});

/** Route options of the public routes, so each route stays one line in public.routes.ts. */
export const publicRouteOptions = {
  trustPage: {
    schema: {
      ...pub('getTrustPage', "A workspace's trust page: its public lists"),
      params: tenantPageParams,
      response: htmlPage,
    },
  },
  listFile: {
    schema: {
      ...pub('getPublicList', 'The current version of a list: its page (filterable) or an export'),
      params: listFileParams,
      querystring: pageFilterQuery,
      response: listFile,
    },
  },
  versionFile: {
    schema: {
      ...pub(
        'getPublicVersion',
        'A published version of a list: its page or an export (immutable once superseded)',
      ),
      params: versionFileParams,
      querystring: pageFilterQuery,
      response: listFile,
    },
  },
  feedFile: {
    schema: {
      ...pub('getPublicFeed', "A list's changes as an Atom, RSS or JSON feed"),
      params: feedFileParams,
      response: feedFile,
    },
  },
  jsonSchema: {
    schema: {
      ...pub('getListVersionSchema', 'The JSON Schema of the JSON export (list-version-v1)'),
      response: jsonSchemaFile,
    },
  },
};
