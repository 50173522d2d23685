import { z } from 'zod';
import type { MoveRow, TableRecord } from './moves.repo.js';
import type { MoveProgress } from './move-steps.js';

export const regionView = z
  .object({
    id: z.string(),
    label: z.string(),
    provider: z.string().nullable().describe('who runs the data centre, as the operator configured it'),
    countries: z.array(z.object({ code: z.string(), name: z.string() })),
  })
  .meta({ id: 'Region' });

export const residencyView = z
  .object({
    tenant: z.string(),
    region: regionView,
    segregation: z.string().describe('how tenants are kept apart in the region'),
    controlPlane: z.string().describe('what subreg keeps about the workspace outside its region'),
    status: z.enum(['active', 'moving', 'suspended']),
    lastMove: z
      .object({ from: z.string(), to: z.string(), finishedAt: z.string().nullable() })
      .nullable()
      .describe('the last completed region move, if any'),
  })
  .meta({ id: 'Residency' });

const durations = z.object({
  freeze: z.number(),
  copy: z.number(),
  verify: z.number(),
  switch: z.number(),
  jobs: z.number(),
  unfreeze: z.number(),
  purge: z.number(),
  frozen: z.number().describe('how long writes are refused'),
  total: z.number(),
});

export const estimateView = z
  .object({
    tables: z.array(z.object({ name: z.string(), rows: z.number(), bytes: z.number() })),
    rows: z.number(),
    bytes: z.number(),
    jobs: z.number(),
    measured: z.object({
      basis: z.string(),
      sampleRows: z.number(),
      sampleBytes: z.number(),
      copyBytesPerSecond: z.number().nullable(),
      earlierMovesBytesPerSecond: z.array(z.number()),
      purgeTimedOnSource: z
        .array(z.string())
        .describe(
          "tables whose purge rate was timed by deleting a sample of the source's own rows in a transaction rolled back at once (the others: on the scratch copy)",
        ),
    }),
    durationMs: durations,
    measuredAt: z.string(),
  })
  .meta({ id: 'MoveEstimate' });

export const moveView = z
  .object({
    id: z.uuid(),
    tenantId: z.uuid(),
    from: z.string(),
    to: z.string(),
    state: z.enum(['planned', 'running', 'failed', 'completed', 'rolling_back', 'rolled_back']),
    step: z.string().nullable(),
    requestedBy: z.string(),
    estimate: estimateView,
    steps: z.record(z.string(), z.record(z.string(), z.unknown())),
    tables: z.record(z.string(), z.record(z.string(), z.unknown())),
    progress: z.object({
      rowsCopied: z.number(),
      rowsTotal: z.number(),
      bytesCopied: z.number(),
      percent: z.number().describe('share of rows copied, 0-100'),
      table: z.string().nullable(),
    }),
    error: z.string().nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    frozenAt: z.string().nullable(),
    unfrozenAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    frozenMs: z.number().nullable().describe('how long writes were refused'),
  })
  .meta({ id: 'RegionMove' });

export const moveBody = z.strictObject({
  tenant: z.string().min(1).max(48).describe('workspace slug'),
  to: z.string().min(1).max(40).describe('region id'),
  start: z.boolean().default(false).describe('start at once, after recording the estimate'),
});

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toMoveView(m: MoveRow, live: MoveProgress | null): z.infer<typeof moveView> {
  const estimate = m.estimate as z.infer<typeof estimateView>;
  const rowsCopied = Math.max(m.copiedRows, live?.rowsCopied ?? 0);
  const total = estimate.rows;
  const tables = m.tables as Record<string, TableRecord>;
  return {
    id: m.id,
    tenantId: m.tenantId,
    from: m.fromRegion,
    to: m.toRegion,
    state: m.state,
    step: m.step,
    requestedBy: m.requestedBy,
    estimate,
    steps: m.steps as Record<string, Record<string, unknown>>,
    tables: tables as unknown as Record<string, Record<string, unknown>>,
    progress: {
      rowsCopied,
      rowsTotal: total,
      bytesCopied: Math.max(m.copiedBytes, live?.bytesCopied ?? 0),
      percent:
        total > 0
          ? Math.min(100, Math.round((rowsCopied / total) * 1000) / 10)
          : m.state === 'completed'
            ? 100
            : 0,
      table: live?.table ?? null,
    },
    error: m.error,
    createdAt: m.createdAt.toISOString(),
    startedAt: iso(m.startedAt),
    frozenAt: iso(m.frozenAt),
    unfrozenAt: iso(m.unfrozenAt),
    finishedAt: iso(m.finishedAt),
    frozenMs: m.frozenAt && m.unfrozenAt ? m.unfrozenAt.getTime() - m.frozenAt.getTime() : null,
  };
}
