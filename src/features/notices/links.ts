import crypto from 'node:crypto';
import type { AppDeps } from '../../app/deps.js';
import { AppError } from '../../platform/errors.js';

/**
 * Personal links in emails (confirm, unsubscribe, object, approve, preferences) carry a token signed with a key
 * derived from the audit HMAC keys (kept outside every database): `kind.id.exp.nonce.mac`.
 * The MAC also covers the tenant, so a token works only under its own tenant's URL. A forged
 * or altered token fails the MAC; the nonce (sha256 kept in the row) makes a link single-use
 * where that matters (confirmation). Rotating the audit key keeps old links working while the
 * old key is listed.
 */
/**
 * `approve`: a customer contact's decision on a change under specific authorisation (features/customers).
 * `preferences`: a subscriber's own preferences page (expiring; preferences.service.ts).
 */
export type LinkKind = 'confirm' | 'unsubscribe' | 'object' | 'approve' | 'preferences';
const KIND_CODE: Record<LinkKind, string> = {
  confirm: 'c',
  unsubscribe: 'u',
  object: 'o',
  approve: 'a',
  preferences: 'p',
};

export interface LinkClaims {
  kind: LinkKind;
  id: string;
  /** seconds since the epoch; 0: no expiry */
  exp: number;
  nonce: string;
}

/** Derived keys by the audit keys they come from (a fan-out signs two links per message). */
const derived = new WeakMap<object, { current: string; size: number; keys: Buffer[] }>();

function linkKeys(deps: AppDeps): Buffer[] {
  const keys = deps.dbs.auditKeys;
  if (!keys) throw new AppError(503, 'LINKS_UNAVAILABLE', 'Signing keys are not loaded; try again later.');
  const known = derived.get(keys);
  // derived again when the key set changed (a rotation adds a key and moves the current one)
  if (known && known.current === keys.hmacCurrent && known.size === keys.hmac.size) return known.keys;
  const current = keys.hmac.get(keys.hmacCurrent);
  const all = [
    current,
    ...[...keys.hmac.entries()].filter(([id]) => id !== keys.hmacCurrent).map(([, k]) => k),
  ];
  const made = all
    .filter((k): k is Buffer => !!k)
    .map((k) => crypto.createHmac('sha256', k).update('subreg personal links v1').digest());
  derived.set(keys, { current: keys.hmacCurrent, size: keys.hmac.size, keys: made });
  return made;
}

const mac = (key: Buffer, tenantId: string, body: string) =>
  crypto.createHmac('sha256', key).update(`${tenantId}|${body}`).digest('base64url').slice(0, 32);

export function signLink(deps: AppDeps, tenantId: string, c: LinkClaims): string {
  const body = [KIND_CODE[c.kind], c.id, c.exp.toString(36), c.nonce || '-'].join('.');
  return `${body}.${mac(linkKeys(deps)[0]!, tenantId, body)}`;
}

/** The claims of a sound token of this kind for this tenant, or null (forged, altered, other kind). */
export function verifyLink(
  deps: AppDeps,
  tenantId: string,
  kind: LinkKind,
  token: string,
): LinkClaims | null {
  if (token.length > 300) return null;
  const m = /^([a-z])\.([0-9a-f-]{36})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{32})$/.exec(
    token,
  );
  if (!m || m[1] !== KIND_CODE[kind]) return null;
  const body = token.slice(0, token.lastIndexOf('.'));
  const given = Buffer.from(m[5]!);
  const ok = linkKeys(deps).some((k) => {
    const want = Buffer.from(mac(k, tenantId, body));
    return want.length === given.length && crypto.timingSafeEqual(want, given);
  });
  if (!ok) return null;
  return { kind, id: m[2]!, exp: Number.parseInt(m[3]!, 36), nonce: m[4] === '-' ? '' : m[4]! };
}

export const newNonce = () => crypto.randomBytes(16).toString('base64url');
export const nonceHash = (nonce: string) => crypto.createHash('sha256').update(nonce).digest('hex');
