import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type AppConfig, ConfigError } from './config.js';

/**
 * The keys that make the audit log evidence against a database administrator: an HMAC key
 * that seals every event (kept out of the database) and an Ed25519 key that signs checkpoints
 * of each tenant's chain head. Retired keys stay so that old events and checkpoints verify.
 */
export interface AuditKeys {
  /** id of the HMAC key new events are sealed with */
  hmacCurrent: string;
  /** every HMAC key that may have sealed an event, by id (current and retired) */
  hmac: ReadonlyMap<string, Buffer>;
  signingKeyId: string;
  signingKey: KeyObject;
  /** public keys that checkpoints may be signed with, by id: the current one first */
  publicKeys: ReadonlyMap<string, KeyObject>;
  /** where the keys came from, for the boot log */
  source: string;
}

const MIN_SECRET = 32;
const KEY_FILE = path.join('keys', 'audit-keys.json');

interface KeyFile {
  hmac?: { current: string; keys: Record<string, string> };
  signing?: { current: string; keys: Record<string, string> };
}

/** A stable, one-way id for an HMAC secret (so rotated keys can be told apart in each event). */
export function hmacKeyId(secret: Buffer): string {
  return `h-${crypto.createHmac('sha256', secret).update('subreg audit key id').digest('hex').slice(0, 12)}`;
}

/** `secret` or `id:secret`; the secret is used as its UTF-8 bytes and must be long enough. */
export function parseHmacKey(spec: string, name: string): [string, Buffer] {
  const m = /^([A-Za-z0-9._-]{1,40}):(.+)$/s.exec(spec.trim());
  const secret = Buffer.from(m ? m[2]! : spec.trim(), 'utf8');
  if (secret.length < MIN_SECRET)
    throw new ConfigError(
      `${name} is too short: use at least ${MIN_SECRET} random characters (\`subreg audit keygen\` makes one).`,
    );
  return [m ? m[1]! : hmacKeyId(secret), secret];
}

function decodeKey(spec: string, kind: 'private' | 'public', name: string): KeyObject {
  const text = spec.trim();
  try {
    const key = text.startsWith('-----BEGIN')
      ? kind === 'private'
        ? crypto.createPrivateKey(text)
        : crypto.createPublicKey(text)
      : kind === 'private'
        ? crypto.createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' })
        : crypto.createPublicKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('not Ed25519');
    return key;
  } catch {
    throw new ConfigError(
      `${name} is not an Ed25519 ${kind} key (PEM, or base64 ${kind === 'private' ? 'PKCS#8' : 'SPKI'} DER); \`subreg audit keygen\` makes one.`,
    );
  }
}

/** The id of a signing key: a fingerprint of its public key (public, so safe to show). */
export function signingKeyId(publicKey: KeyObject): string {
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return `ed25519-${crypto.createHash('sha256').update(der).digest('hex').slice(0, 16)}`;
}

/** Fresh key material, as the environment variables take it. */
export function generateAuditKeySpecs(): { hmacKey: string; signingKey: string } {
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  return {
    hmacKey: crypto.randomBytes(32).toString('base64url'),
    signingKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
  };
}

function readKeyFile(file: string): KeyFile | null {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return null;
  }
  if ((stat.mode & 0o077) !== 0)
    throw new ConfigError(`${file} holds secret keys but others can read it: run \`chmod 600 ${file}\`.`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as KeyFile;
  } catch {
    throw new ConfigError(
      `${file} is not valid JSON; restore it from a backup (events sealed with it need it).`,
    );
  }
}

/** Creates the key file (0600) with what is missing; another process may have just made it. */
function completeKeyFile(file: string, current: KeyFile | null): KeyFile {
  const fresh = generateAuditKeySpecs();
  const [hmacId] = parseHmacKey(fresh.hmacKey, 'generated key');
  const pub = crypto.createPublicKey(decodeKey(fresh.signingKey, 'private', 'generated key'));
  const next: KeyFile = {
    hmac: current?.hmac ?? { current: hmacId, keys: { [hmacId]: fresh.hmacKey } },
    signing: current?.signing ?? {
      current: signingKeyId(pub),
      keys: { [signingKeyId(pub)]: fresh.signingKey },
    },
  };
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const body = `${JSON.stringify(next, null, 2)}\n`;
  if (!current) {
    try {
      fs.writeFileSync(file, body, { mode: 0o600, flag: 'wx' });
      return next;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const raced = readKeyFile(file);
      if (raced?.hmac && raced.signing) return raced;
    }
  }
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, body, { mode: 0o600 });
  fs.renameSync(tmp, file);
  return next;
}

/**
 * Loads the audit keys once at boot: from the environment (AUDIT_HMAC_KEY, AUDIT_SIGNING_KEY,
 * and the retired AUDIT_HMAC_OLD_KEYS / AUDIT_SIGNING_OLD_PUBLIC_KEYS), else from
 * DATA_DIR/keys/audit-keys.json. The embedded setup creates that file on first start; a
 * configured deployment without keys fails here, since processes that each made their own key
 * would write chains no other process can verify.
 */
export function loadAuditKeys(config: AppConfig): AuditKeys {
  const s = config.auditKeys;
  const file = path.join(config.dataDir, KEY_FILE);
  let fromFile = readKeyFile(file);
  if ((!s.hmacKey && !fromFile?.hmac) || (!s.signingKey && !fromFile?.signing)) {
    if (!config.embedded)
      throw new ConfigError(
        `No audit keys: set AUDIT_HMAC_KEY and AUDIT_SIGNING_KEY (run \`subreg audit keygen\` to make them; keep them out of the database and back them up), or put them in ${file}.`,
      );
    fromFile = completeKeyFile(file, fromFile);
  }
  const hmac = new Map<string, Buffer>();
  let hmacCurrent: string;
  if (s.hmacKey) {
    const [id, key] = parseHmacKey(s.hmacKey, 'AUDIT_HMAC_KEY');
    hmac.set(id, key);
    hmacCurrent = id;
  } else {
    hmacCurrent = fromFile!.hmac!.current;
  }
  for (const [id, secret] of Object.entries(fromFile?.hmac?.keys ?? {}))
    if (!hmac.has(id)) hmac.set(id, Buffer.from(secret, 'utf8'));
  for (const spec of (s.hmacOldKeys ?? '').split(',').filter((x) => x.trim())) {
    const [id, key] = parseHmacKey(spec, 'AUDIT_HMAC_OLD_KEYS');
    if (!hmac.has(id)) hmac.set(id, key);
  }
  if (!hmac.has(hmacCurrent))
    throw new ConfigError(`${file}: the current HMAC key ${hmacCurrent} is missing.`);

  let signingKey: KeyObject;
  if (s.signingKey) signingKey = decodeKey(s.signingKey, 'private', 'AUDIT_SIGNING_KEY');
  else {
    const sg = fromFile!.signing!;
    const spec = sg.keys[sg.current];
    if (!spec) throw new ConfigError(`${file}: the current signing key ${sg.current} is missing.`);
    signingKey = decodeKey(spec, 'private', `${file} signing key`);
  }
  const signingPublic = crypto.createPublicKey(signingKey);
  const keyId = signingKeyId(signingPublic);
  const publicKeys = new Map<string, KeyObject>([[keyId, signingPublic]]);
  for (const spec of Object.values(fromFile?.signing?.keys ?? {})) {
    const pub = crypto.createPublicKey(decodeKey(spec, 'private', `${file} signing key`));
    publicKeys.set(signingKeyId(pub), pub);
  }
  for (const spec of (s.signingOldPublicKeys ?? '').split(',').filter((x) => x.trim())) {
    const pub = decodeKey(spec, 'public', 'AUDIT_SIGNING_OLD_PUBLIC_KEYS');
    publicKeys.set(signingKeyId(pub), pub);
  }
  const source = s.hmacKey && s.signingKey ? 'environment' : file;
  return { hmacCurrent, hmac, signingKeyId: keyId, signingKey, publicKeys, source };
}
