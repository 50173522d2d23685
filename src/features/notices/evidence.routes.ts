import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses, uuidParam } from '../../http/common-schemas.js';
import { listContext, listParams } from '../../http/list-context.js';
import type { AppDeps } from '../../app/deps.js';
import { evidenceCsv } from './evidence-csv.js';
import { evidencePdf } from './evidence-pdf.js';
import { noticeEvidence } from './evidence.service.js';

/** Fastify sends a Buffer as it is; the schema's type (a string: the file) is for OpenAPI only. */
const bytes = (b: Buffer) => b as unknown as string;

const params = listParams.extend({ noticeId: uuidParam });
const file = (type: string, what: string) => ({
  200: { content: { [type]: { schema: z.string().describe(what) } } },
  ...problemResponses,
});

/**
 * A notice's evidence (who was sent what, when, every attempt, the objections), as CSV or PDF,
 * for any staff member; each export is written to the audit log.
 */
export const evidenceRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/tenants/:tenant/lists/:listId/notices/:noticeId/evidence.csv',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'exportNoticeEvidenceCsv',
          tags: ['notices'],
          summary: "A notice's evidence as CSV: the notice, every message and attempt, the objections",
          params,
          response: file(
            'text/csv',
            'Three blocks: the notice, one row per delivery attempt, the objections',
          ),
        },
      },
      async (req, reply) => {
        const evidence = await noticeEvidence(
          deps,
          ...(await listContext(req, deps)),
          req.params.noticeId,
          'csv',
        );
        return reply
          .type('text/csv; charset=utf-8; header=present')
          .header('content-disposition', `attachment; filename="notice-${evidence.notice.id}-evidence.csv"`)
          .send(bytes(evidenceCsv(evidence)));
      },
    );
    app.get(
      '/tenants/:tenant/lists/:listId/notices/:noticeId/evidence.pdf',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'exportNoticeEvidencePdf',
          tags: ['notices'],
          summary: "A notice's evidence as a PDF document for a customer or an auditor",
          params,
          response: file('application/pdf', 'The notice, its recipients with every attempt, the objections'),
        },
      },
      async (req, reply) => {
        const evidence = await noticeEvidence(
          deps,
          ...(await listContext(req, deps)),
          req.params.noticeId,
          'pdf',
        );
        return reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="notice-${evidence.notice.id}-evidence.pdf"`)
          .send(bytes(await evidencePdf(evidence)));
      },
    );
  };
