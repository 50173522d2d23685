import { createHash } from 'node:crypto';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  idempotentProblems,
  pageOf,
  paginationQuery,
  problemResponses,
  uuidParam,
} from '../../http/common-schemas.js';
import { bindIdempotencyToBody } from '../../http/idempotency-key.js';
import { listContext, listParams } from '../../http/list-context.js';
import type { AppDeps } from '../../app/deps.js';
import { AppError, badRequest } from '../../platform/errors.js';
import { IMPORT_LIMITS } from './limits.js';
import { applyImportBody, importSummaryView, importView } from './imports.schemas.js';
import {
  applyImport,
  createImport,
  discardImport,
  getImport,
  getImportSource,
  listImports,
} from './imports.service.js';

const importParams = listParams.extend({ importId: uuidParam });

const CONTENT_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
  markdown: 'text/markdown; charset=utf-8',
  text: 'text/plain; charset=utf-8',
};

export const importsRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    await app.register(multipart, {
      limits: { fileSize: IMPORT_LIMITS.maxFileBytes, files: 1, fields: 4, fieldSize: 1024, parts: 6 },
    });

    app.post(
      '/tenants/:tenant/lists/:listId/imports',
      {
        bodyLimit: IMPORT_LIMITS.maxFileBytes + 64 * 1024,
        config: { role: 'editor', idempotentStatus: 201 },
        schema: {
          operationId: 'createImport',
          tags: ['imports'],
          summary: 'Upload a document (multipart field "file") and preview what it would change in the draft',
          description:
            'Text, Markdown, HTML, CSV/TSV, XLSX, DOCX or PDF, up to 20 MB. The import is stored with its source file; nothing changes in the draft until it is applied.',
          consumes: ['multipart/form-data'],
          params: listParams,
          response: {
            201: importView,
            415: problemResponses[400],
            422: problemResponses[400],
            ...problemResponses,
          },
        },
      },
      async (req, reply) => {
        const [ctx, listId] = await listContext(req, deps);
        if (!req.isMultipart()) {
          throw new AppError(
            415,
            'MULTIPART_REQUIRED',
            'Send the document as multipart/form-data in a field named "file".',
          );
        }
        const file = await req.file();
        if (!file)
          throw badRequest('FILE_MISSING', 'No file came with the request: send it in a field named "file".');
        let bytes: Buffer;
        try {
          bytes = await file.toBuffer();
        } catch (err) {
          if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
            throw new AppError(
              413,
              'FILE_TOO_LARGE',
              `The file is larger than ${IMPORT_LIMITS.maxFileBytes / 1024 / 1024} MB. Export only the list.`,
            );
          }
          throw err;
        }
        // The file is part of the request an Idempotency-Key stands for.
        bindIdempotencyToBody(ctx, `${file.filename}\n${createHash('sha256').update(bytes).digest('hex')}`);
        const created = await createImport(deps, ctx, listId, {
          fileName: file.filename || 'upload',
          bytes,
        });
        return reply.code(201).send(created);
      },
    );

    app.get(
      '/tenants/:tenant/lists/:listId/imports',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'listImports',
          tags: ['imports'],
          summary: 'Imports of a list, newest first',
          params: listParams,
          querystring: paginationQuery,
          response: { 200: pageOf(importSummaryView), ...problemResponses },
        },
      },
      async (req) => listImports(deps, ...(await listContext(req, deps)), req.query),
    );

    app.get(
      '/tenants/:tenant/lists/:listId/imports/:importId',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'getImport',
          tags: ['imports'],
          summary: 'An import: its records with provenance, and the preview against the current draft',
          params: importParams,
          response: { 200: importView, ...problemResponses },
        },
      },
      async (req) => getImport(deps, ...(await listContext(req, deps)), req.params.importId),
    );

    app.get(
      '/tenants/:tenant/lists/:listId/imports/:importId/source',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'getImportSource',
          tags: ['imports'],
          summary: 'The uploaded file, as it was received',
          params: importParams,
          response: { 200: z.any(), ...problemResponses },
        },
      },
      async (req, reply) => {
        const src = await getImportSource(deps, ...(await listContext(req, deps)), req.params.importId);
        const safeName = src.fileName.replace(/[^\w.-]+/g, '_').slice(0, 120) || 'import';
        return reply
          .header('content-type', CONTENT_TYPES[src.format] ?? 'application/octet-stream')
          .header('content-disposition', `attachment; filename="${safeName}"`)
          .header('x-content-type-options', 'nosniff')
          .send(src.source);
      },
    );

    app.post(
      '/tenants/:tenant/lists/:listId/imports/:importId/apply',
      {
        config: { role: 'editor', idempotentStatus: 200 },
        schema: {
          operationId: 'applyImport',
          tags: ['imports'],
          summary: 'Apply all or some of the preview to the draft (never publishes)',
          params: importParams,
          body: applyImportBody,
          response: { 200: importSummaryView, ...problemResponses, ...idempotentProblems },
        },
      },
      async (req) => applyImport(deps, ...(await listContext(req, deps)), req.params.importId, req.body),
    );

    app.delete(
      '/tenants/:tenant/lists/:listId/imports/:importId',
      {
        config: { role: 'editor' },
        schema: {
          operationId: 'discardImport',
          tags: ['imports'],
          summary: 'Discard an import (it is kept, marked discarded, as evidence)',
          params: importParams,
          response: { 204: z.null(), ...problemResponses },
        },
      },
      async (req, reply) => {
        await discardImport(deps, ...(await listContext(req, deps)), req.params.importId);
        return reply.code(204).send(null);
      },
    );
  };
