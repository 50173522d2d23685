import crypto, { type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from './audit-hash.js';

/**
 * A checkpoint says, signed with the server's Ed25519 key: "tenant T's audit chain had head
 * hash H at event S at time X". Whoever keeps one outside the server can later prove that
 * history up to S was not rewritten or rolled back. Pure: no I/O.
 */
export const CHECKPOINT_FORMAT = 'subreg.audit-checkpoint.v1';

export interface CheckpointClaim {
  format: typeof CHECKPOINT_FORMAT;
  tenantId: string;
  seq: number;
  headHash: string;
  issuedAt: string;
  keyId: string;
}

/** The self-contained, downloadable form. `signedPayload` holds the exact bytes signed. */
export const checkpointFileSchema = z
  .object({
    format: z.literal(CHECKPOINT_FORMAT),
    tenantId: z.uuid(),
    tenant: z.string().describe('the workspace slug when the checkpoint was downloaded (not signed)'),
    seq: z.number().int().min(0),
    headHash: z.string().regex(/^[0-9a-f]{64}$/),
    issuedAt: z.string(),
    keyId: z.string(),
    algorithm: z.literal('Ed25519'),
    signedPayload: z.string().describe('canonical JSON of format, tenantId, seq, headHash, issuedAt, keyId'),
    signature: z.string().describe('base64 Ed25519 signature of the UTF-8 bytes of signedPayload'),
    publicKey: z.string().describe('PEM public key of keyId; check it against GET /api/v1/audit/public-key'),
  })
  .meta({ id: 'AuditCheckpoint' });
export type CheckpointFile = z.infer<typeof checkpointFileSchema>;

export function signCheckpoint(
  claim: Omit<CheckpointClaim, 'format' | 'keyId'>,
  keyId: string,
  privateKey: KeyObject,
): { claim: CheckpointClaim; payload: string; signature: string } {
  const full: CheckpointClaim = { format: CHECKPOINT_FORMAT, ...claim, keyId };
  const payload = canonicalJson(full);
  const signature = crypto.sign(null, Buffer.from(payload, 'utf8'), privateKey).toString('base64');
  return { claim: full, payload, signature };
}

export function publicKeyPem(key: KeyObject): string {
  return key.export({ format: 'pem', type: 'spki' }).toString();
}

export function checkpointFile(
  stored: { payload: string; signature: string },
  tenantSlug: string,
  publicKey: KeyObject | undefined,
): CheckpointFile {
  const claim = JSON.parse(stored.payload) as CheckpointClaim;
  return {
    format: CHECKPOINT_FORMAT,
    tenantId: claim.tenantId,
    tenant: tenantSlug,
    seq: claim.seq,
    headHash: claim.headHash,
    issuedAt: claim.issuedAt,
    keyId: claim.keyId,
    algorithm: 'Ed25519',
    signedPayload: stored.payload,
    signature: stored.signature,
    publicKey: publicKey ? publicKeyPem(publicKey) : '',
  };
}

/**
 * Checks a checkpoint with the keys the verifier trusts (never the key the file brings along:
 * a forger would bring their own). Returns the signed claim, or why it cannot be trusted.
 */
export function readCheckpoint(
  input: unknown,
  trusted: ReadonlyMap<string, KeyObject>,
): { ok: true; claim: CheckpointClaim } | { ok: false; reason: string } {
  const parsed = checkpointFileSchema.safeParse(input);
  if (!parsed.success)
    return {
      ok: false,
      reason: `not a subreg audit checkpoint (${parsed.error.issues[0]?.path.join('.') || 'shape'}: ${parsed.error.issues[0]?.message})`,
    };
  const f = parsed.data;
  const key = trusted.get(f.keyId);
  if (!key)
    return { ok: false, reason: `it is signed with key "${f.keyId}", which is not a key this server trusts` };
  const good = crypto.verify(
    null,
    Buffer.from(f.signedPayload, 'utf8'),
    key,
    Buffer.from(f.signature, 'base64'),
  );
  if (!good)
    return { ok: false, reason: 'its signature does not match: the checkpoint was altered or forged' };
  let claim: CheckpointClaim;
  try {
    claim = JSON.parse(f.signedPayload) as CheckpointClaim;
  } catch {
    return { ok: false, reason: 'its signed payload is not JSON' };
  }
  if (
    claim.format !== CHECKPOINT_FORMAT ||
    claim.tenantId !== f.tenantId ||
    claim.seq !== f.seq ||
    claim.headHash !== f.headHash ||
    claim.issuedAt !== f.issuedAt ||
    claim.keyId !== f.keyId
  )
    return { ok: false, reason: 'its readable fields differ from what was signed' };
  return { ok: true, claim };
}
