import type { TenantRef } from '../../db/databases.js';
import type { AppDeps } from '../../app/deps.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { type CheckpointFile, checkpointFile, publicKeyPem, signCheckpoint } from './audit-checkpoint.js';
import {
  type StoredCheckpoint,
  insertCheckpoint,
  latestCheckpoint,
  listCheckpoints,
  tenantsToSeal,
} from './audit-control.repo.js';
import { type AuditVerdict, requireAuditKeys, verifyAuditChain } from './audit.service.js';

type Tenant = TenantRef & { slug: string };

/** The periodic job that signs checkpoints of heads that moved (every 15 minutes: a rollback
 * of the chain can hide at most this long from stored checkpoints). */
export const AUDIT_SEAL_QUEUE = 'subreg.audit.seal';
export const AUDIT_SEAL_CRON = '*/15 * * * *';
/** Once a day, every tenant: heads that lag (an update lost after a commit) move forward. */
export const AUDIT_SWEEP_QUEUE = 'subreg.audit.sweep';
export const AUDIT_SWEEP_CRON = '23 3 * * *';

function fileOf(deps: AppDeps, row: StoredCheckpoint, slug: string): CheckpointFile {
  return checkpointFile(row, slug, requireAuditKeys(deps).publicKeys.get(row.keyId));
}

/**
 * Signs (tenant, seq, head hash, time) for the chain as it is now, after checking the events
 * since the last checkpoint. A broken chain gets no checkpoint: signing it would vouch for it.
 */
async function signHead(
  deps: AppDeps,
  tenant: Tenant,
  onlyIfMoved: boolean,
): Promise<{ verdict: AuditVerdict; checkpoint: StoredCheckpoint | null }> {
  const keys = requireAuditKeys(deps);
  const verdict = await verifyAuditChain(deps, tenant, { fromCheckpoint: true });
  if (!verdict.ok) return { verdict, checkpoint: null };
  const latest = await latestCheckpoint(deps.dbs.control, tenant.id);
  if (onlyIfMoved && (verdict.lastSeq === 0 || (latest && latest.seq >= verdict.lastSeq)))
    return { verdict, checkpoint: null };
  const issuedAt = new Date();
  const signed = signCheckpoint(
    {
      tenantId: tenant.id,
      seq: verdict.lastSeq,
      headHash: verdict.lastHash,
      issuedAt: issuedAt.toISOString(),
    },
    keys.signingKeyId,
    keys.signingKey,
  );
  const row: StoredCheckpoint = {
    tenantId: tenant.id,
    id: newId(),
    seq: verdict.lastSeq,
    headHash: verdict.lastHash,
    issuedAt,
    keyId: keys.signingKeyId,
    payload: signed.payload,
    signature: signed.signature,
  };
  await insertCheckpoint(deps.dbs.control, row);
  return { verdict, checkpoint: row };
}

/** On demand: a fresh signed checkpoint of the tenant's head, to keep outside the server. */
export async function createCheckpoint(deps: AppDeps, tenant: Tenant): Promise<CheckpointFile> {
  const { verdict, checkpoint } = await signHead(deps, tenant, false);
  if (!checkpoint)
    throw new AppError(
      409,
      'AUDIT_CHAIN_BROKEN',
      `The audit chain is broken at event ${verdict.brokenAtSeq} (${verdict.problem}): ${verdict.reason} No checkpoint is signed for a broken chain; run \`subreg audit verify\` for details.`,
    );
  return fileOf(deps, checkpoint, tenant.slug);
}

export async function latestCheckpointFile(deps: AppDeps, tenant: Tenant): Promise<CheckpointFile> {
  const row = await latestCheckpoint(deps.dbs.control, tenant.id);
  if (!row)
    throw new AppError(
      404,
      'AUDIT_CHECKPOINT_NOT_FOUND',
      'This workspace has no signed checkpoint yet: create one with POST .../audit/checkpoints (one is also made every 15 minutes after changes).',
    );
  return fileOf(deps, row, tenant.slug);
}

export async function listCheckpointFiles(
  deps: AppDeps,
  tenant: Tenant,
  beforeSeq: number | null,
  limit: number,
) {
  const rows = await listCheckpoints(deps.dbs.control, tenant.id, beforeSeq, limit);
  return {
    items: rows.map((r) => fileOf(deps, r, tenant.slug)),
    nextBeforeSeq: rows.length === limit ? rows[rows.length - 1]!.seq : null,
  };
}

/** The published verification keys: the current one and those that signed older checkpoints. */
export function auditPublicKeys(deps: AppDeps) {
  const keys = requireAuditKeys(deps);
  return {
    algorithm: 'Ed25519' as const,
    keyId: keys.signingKeyId,
    publicKey: publicKeyPem(keys.publicKeys.get(keys.signingKeyId)!),
    keys: [...keys.publicKeys].map(([keyId, k]) => ({
      keyId,
      publicKey: publicKeyPem(k),
      current: keyId === keys.signingKeyId,
    })),
  };
}

/**
 * The periodic jobs, per region: for each tenant whose head moved since its last checkpoint
 * (or, with `all`, every tenant), checks the events written since that checkpoint, moves a
 * lagging control head forward, and signs a checkpoint if the head moved. Broken chains are
 * reported, never signed.
 */
export async function sealAuditChains(
  deps: AppDeps,
  regionId: string,
  log: (msg: string) => void,
  opts: { all?: boolean } = {},
): Promise<{ tenants: number; checkpoints: number; broken: string[] }> {
  let after: string | null = null;
  const out = { tenants: 0, checkpoints: 0, broken: [] as string[] };
  for (;;) {
    const page = await tenantsToSeal(deps.dbs.control, regionId, after, 200, opts.all ?? false);
    for (const t of page) {
      out.tenants++;
      try {
        const { verdict, checkpoint } = await signHead(deps, t, true);
        if (checkpoint) out.checkpoints++;
        if (!verdict.ok) {
          out.broken.push(t.slug);
          log(`audit chain of ${t.slug} is BROKEN at event ${verdict.brokenAtSeq}: ${verdict.reason}`);
        }
      } catch (e) {
        log(`audit sealing of ${t.slug} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (page.length < 200) return out;
    after = page[page.length - 1]!.id;
  }
}
