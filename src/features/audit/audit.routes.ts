import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses, tenantParams } from '../../http/common-schemas.js';
import { tenantContext } from '../../http/request-auth.js';
import type { AppDeps } from '../../app/deps.js';
import { checkpointFileSchema } from './audit-checkpoint.js';
import {
  auditPublicKeys,
  createCheckpoint,
  latestCheckpointFile,
  listCheckpointFiles,
} from './audit-checkpoints.service.js';
import { listAudit, verifyAuditChain } from './audit.service.js';

const auditEvent = z
  .object({
    seq: z.number().int(),
    id: z.uuid(),
    occurredAt: z.string(),
    actorType: z.enum(['user', 'token', 'system']),
    actorId: z.string().nullable(),
    action: z.string(),
    objectType: z.string(),
    objectId: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    requestId: z.string().nullable(),
    hash: z.string(),
    prevHash: z.string(),
    scheme: z
      .number()
      .int()
      .describe('1: plain sha256 (written before sealing); 2: HMAC-SHA256 with key keyId'),
    keyId: z.string().nullable(),
  })
  .meta({ id: 'AuditEvent' });

const verdict = z
  .object({
    ok: z.boolean(),
    checked: z.number().int().describe('events whose link and seal were checked'),
    brokenAtSeq: z.number().int().optional(),
    problem: z
      .enum([
        'missing_event',
        'link_mismatch',
        'hash_mismatch',
        'hmac_mismatch',
        'unknown_key',
        'scheme_downgrade',
        'head_mismatch',
        'checkpoint_mismatch',
        'checkpoint_invalid',
      ])
      .optional(),
    reason: z.string().optional(),
    lastSeq: z.number().int(),
    lastHash: z.string(),
    head: z.object({
      seq: z.number().int(),
      hash: z.string().nullable(),
      state: z.enum(['current', 'lagging', 'missing']),
    }),
    headAdvanced: z.boolean(),
    checkpoint: z
      .object({
        source: z.enum(['stored', 'provided']),
        seq: z.number().int(),
        issuedAt: z.string(),
        keyId: z.string(),
      })
      .optional(),
  })
  .meta({ id: 'AuditVerdict' });

const publicKeys = z.object({
  algorithm: z.literal('Ed25519'),
  keyId: z.string(),
  publicKey: z.string().describe('PEM (SPKI) of the current checkpoint signing key'),
  keys: z.array(z.object({ keyId: z.string(), publicKey: z.string(), current: z.boolean() })),
});

export const auditRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/tenants/:tenant/audit',
      {
        config: { role: 'owner' },
        schema: {
          operationId: 'listAuditEvents',
          tags: ['audit'],
          summary: 'The append-only audit log, oldest first (page with afterSeq)',
          params: tenantParams,
          querystring: z.object({
            afterSeq: z.coerce.number().int().min(0).default(0),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
          response: {
            200: z.object({ items: z.array(auditEvent), nextAfterSeq: z.number().int().nullable() }),
            ...problemResponses,
          },
        },
      },
      async (req) => {
        const ctx = await tenantContext(req, deps);
        return listAudit(deps, ctx.tenant, req.query.afterSeq, req.query.limit);
      },
    );
    app.get(
      '/tenants/:tenant/audit/verify',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'verifyAuditChain',
          tags: ['audit'],
          summary:
            'Check the audit chain: every link and HMAC seal, the head kept in the control database, the latest signed checkpoint',
          params: tenantParams,
          response: { 200: verdict, ...problemResponses },
        },
      },
      async (req) => verifyAuditChain(deps, (await tenantContext(req, deps)).tenant),
    );
    app.post(
      '/tenants/:tenant/audit/verify',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'verifyAuditChainAgainstCheckpoint',
          tags: ['audit'],
          summary:
            'Check the audit chain against a signed checkpoint you kept (a downloaded checkpoint file)',
          params: tenantParams,
          body: z.object({ checkpoint: checkpointFileSchema }),
          response: { 200: verdict, ...problemResponses },
        },
      },
      async (req) =>
        verifyAuditChain(deps, (await tenantContext(req, deps)).tenant, {
          checkpoint: req.body.checkpoint,
        }),
    );
    app.get(
      '/tenants/:tenant/audit/checkpoints',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'listAuditCheckpoints',
          tags: ['audit'],
          summary: 'Signed checkpoints of the audit chain head, newest first (page with beforeSeq)',
          params: tenantParams,
          querystring: z.object({
            beforeSeq: z.coerce.number().int().min(1).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
          response: {
            200: z.object({
              items: z.array(checkpointFileSchema),
              nextBeforeSeq: z.number().int().nullable(),
            }),
            ...problemResponses,
          },
        },
      },
      async (req) => {
        const ctx = await tenantContext(req, deps);
        return listCheckpointFiles(deps, ctx.tenant, req.query.beforeSeq ?? null, req.query.limit);
      },
    );
    app.get(
      '/tenants/:tenant/audit/checkpoints/latest',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'getLatestAuditCheckpoint',
          tags: ['audit'],
          summary:
            'The latest signed checkpoint, a self-contained file anyone can verify with the public key',
          params: tenantParams,
          response: { 200: checkpointFileSchema, ...problemResponses },
        },
      },
      async (req, reply) => {
        const ctx = await tenantContext(req, deps);
        const file = await latestCheckpointFile(deps, ctx.tenant);
        reply.header(
          'content-disposition',
          `attachment; filename="audit-checkpoint-${ctx.tenant.slug}-${file.seq}.json"`,
        );
        return file;
      },
    );
    app.post(
      '/tenants/:tenant/audit/checkpoints',
      {
        config: { role: 'editor' },
        schema: {
          operationId: 'createAuditCheckpoint',
          tags: ['audit'],
          summary: 'Sign a checkpoint of the audit chain head now (after checking the chain)',
          params: tenantParams,
          response: { 201: checkpointFileSchema, ...problemResponses },
        },
      },
      async (req, reply) => {
        const ctx = await tenantContext(req, deps);
        return reply.code(201).send(await createCheckpoint(deps, ctx.tenant));
      },
    );
    app.get(
      '/audit/public-key',
      {
        schema: {
          operationId: 'getAuditPublicKeys',
          tags: ['audit'],
          summary: 'The Ed25519 public keys that verify audit checkpoints (no authentication)',
          security: [],
          response: { 200: publicKeys, ...problemResponses },
        },
      },
      async () => auditPublicKeys(deps),
    );
  };
