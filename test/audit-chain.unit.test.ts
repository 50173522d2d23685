import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCheckpoint, signCheckpoint, checkpointFile } from '../src/features/audit/audit-checkpoint.js';
import {
  type StoredAuditEvent,
  GENESIS_HASH,
  auditEventHash,
  auditEventSeal,
  chainStart,
  verifyChainSegment,
} from '../src/features/audit/audit-hash.js';
import { loadAuditKeys, parseHmacKey } from '../src/platform/audit-keys.js';
import { ConfigError, loadConfig } from '../src/platform/config.js';

const KEY = Buffer.from('k'.repeat(40));
const keys = new Map([['k1', KEY]]);

/** A chain of `legacy` unsealed events followed by `sealed` HMAC-sealed ones. */
function chain(legacy: number, sealed: number): StoredAuditEvent[] {
  const out: StoredAuditEvent[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= legacy + sealed; seq++) {
    const f = {
      tenantId: '00000000-0000-4000-8000-000000000001',
      seq,
      id: crypto.randomUUID(),
      occurredAt: new Date(1_700_000_000_000 + seq),
      actorType: 'system',
      actorId: null,
      action: 'x',
      objectType: 'y',
      objectId: null,
      before: null,
      after: { seq },
      requestId: null,
      prevHash: prev,
    };
    const e: StoredAuditEvent =
      seq <= legacy
        ? { ...f, hash: auditEventHash(f), scheme: 1, keyId: null }
        : { ...f, hash: auditEventSeal(f, 'k1', KEY), scheme: 2, keyId: 'k1' };
    out.push(e);
    prev = e.hash;
  }
  return out;
}

describe('verifying a chain segment', () => {
  it('accepts unsealed events followed by sealed ones, in pages', () => {
    const events = chain(3, 4);
    const first = verifyChainSegment(events.slice(0, 4), chainStart(), keys);
    const second = verifyChainSegment(events.slice(4), first.cursor, keys);
    expect(second).toMatchObject({ ok: true, checked: 7 });
  });

  it('names the problem at the first bad event', () => {
    const downgrade = chain(0, 4);
    const d = downgrade[2]!;
    Object.assign(d, { scheme: 1, keyId: null, hash: auditEventHash(d) });
    expect(verifyChainSegment(downgrade, chainStart(), keys)).toMatchObject({
      ok: false,
      brokenAtSeq: 3,
      problem: 'scheme_downgrade',
    });
    const edited = chain(2, 2);
    edited[1]!.after = { seq: 99 };
    expect(verifyChainSegment(edited, chainStart(), keys)).toMatchObject({
      brokenAtSeq: 2,
      problem: 'hash_mismatch',
    });
    const sealed = chain(0, 3);
    sealed[1]!.after = { seq: 99 };
    expect(verifyChainSegment(sealed, chainStart(), keys)).toMatchObject({
      brokenAtSeq: 2,
      problem: 'hmac_mismatch',
    });
    expect(verifyChainSegment(chain(0, 3), chainStart(), new Map())).toMatchObject({
      brokenAtSeq: 1,
      problem: 'unknown_key',
    });
    const gap = chain(1, 3);
    gap.splice(2, 1);
    expect(verifyChainSegment(gap, chainStart(), keys)).toMatchObject({
      brokenAtSeq: 3,
      problem: 'missing_event',
    });
    const relinked = chain(0, 3);
    relinked[2]!.prevHash = GENESIS_HASH;
    expect(verifyChainSegment(relinked, chainStart(), keys)).toMatchObject({
      brokenAtSeq: 3,
      problem: 'link_mismatch',
    });
  });
});

describe('checkpoints', () => {
  it('verify with a trusted key only, and only as signed', () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
    const s = signCheckpoint(
      { tenantId: '00000000-0000-4000-8000-000000000001', seq: 7, headHash: 'a'.repeat(64), issuedAt: 'x' },
      'key-1',
      privateKey,
    );
    const file = checkpointFile(s, 'acme', publicKey);
    expect(readCheckpoint(file, new Map([['key-1', publicKey]]))).toMatchObject({
      ok: true,
      claim: { seq: 7 },
    });
    expect(readCheckpoint(file, new Map())).toMatchObject({ ok: false });
    expect(
      readCheckpoint({ ...file, headHash: 'b'.repeat(64) }, new Map([['key-1', publicKey]])),
    ).toMatchObject({
      ok: false,
    });
    expect(readCheckpoint('nonsense', new Map([['key-1', publicKey]]))).toMatchObject({ ok: false });
  });
});

describe('audit keys', () => {
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'subreg-keys-'));

  it('take `id:secret` or a bare secret (id derived), and refuse short secrets', () => {
    expect(parseHmacKey(`k7:${'s'.repeat(32)}`, 'X')[0]).toBe('k7');
    const [id] = parseHmacKey('s'.repeat(32), 'X');
    expect(id).toMatch(/^h-[0-9a-f]{12}$/);
    expect(parseHmacKey('s'.repeat(32), 'X')[0]).toBe(id);
    expect(() => parseHmacKey('short', 'AUDIT_HMAC_KEY')).toThrow(/AUDIT_HMAC_KEY is too short/);
  });

  it('fail fast in a configured deployment without keys, saying what to set', () => {
    const config = loadConfig({
      DATA_DIR: tmp(),
      CONTROL_DATABASE_URL: 'postgres://x@127.0.0.1/c',
      REGION_EU_WEST_DATABASE_URL: 'postgres://x@127.0.0.1/r',
    });
    expect(() => loadAuditKeys(config)).toThrow(ConfigError);
    expect(() => loadAuditKeys(config)).toThrow(/AUDIT_HMAC_KEY and AUDIT_SIGNING_KEY.*subreg audit keygen/);
    expect(() =>
      loadAuditKeys({
        ...config,
        auditKeys: { ...config.auditKeys, hmacKey: 'x'.repeat(40), signingKey: 'nope' },
      }),
    ).toThrow(/AUDIT_SIGNING_KEY is not an Ed25519 private key/);
  });

  it('are generated once into a 0600 key file when embedded, and the same keys load again', () => {
    const dir = tmp();
    const config = loadConfig({ DATA_DIR: dir });
    const first = loadAuditKeys(config);
    const file = path.join(dir, 'keys', 'audit-keys.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const again = loadAuditKeys(config);
    expect(again.hmacCurrent).toBe(first.hmacCurrent);
    expect(again.hmac.get(again.hmacCurrent)).toEqual(first.hmac.get(first.hmacCurrent));
    expect(again.signingKeyId).toBe(first.signingKeyId);
    fs.chmodSync(file, 0o644);
    expect(() => loadAuditKeys(config)).toThrow(/chmod 600/);
  });
});
