import crypto from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { AuditKeys } from '../../platform/audit-keys.js';

/**
 * Standard Webhooks (https://www.standardwebhooks.com): every call carries `webhook-id`,
 * `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`
 * under the endpoint's secret `whsec_<base64>`. Signing is the `standardwebhooks` package's.
 *
 * The secret is shown once, when the endpoint is created (or its secret rotated); the database
 * holds it sealed with AES-256-GCM under a key derived from the audit HMAC key, which is kept
 * outside every database, so a copy of the database alone cannot forge calls.
 */

export const SECRET_PREFIX = 'whsec_';

export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${crypto.randomBytes(24).toString('base64')}`;
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function signWebhook(secret: string, webhookId: string, at: Date, body: string): SignedHeaders {
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(webhookId, at, body),
  };
}

const SEAL_SCHEME = 'v1';

function sealKey(keys: AuditKeys, keyId: string): Buffer {
  const hmacKey = keys.hmac.get(keyId);
  if (!hmacKey)
    throw new Error(`The key ${keyId} that sealed a webhook secret is not loaded; keep retired audit keys.`);
  return Buffer.from(crypto.hkdfSync('sha256', hmacKey, Buffer.alloc(0), 'subreg webhook secrets', 32));
}

/** `v1:<key id>:<iv>:<ciphertext>:<tag>` (base64 parts); the endpoint id is bound in as AAD. */
export function sealSecret(keys: AuditKeys, endpointId: string, secret: string): string {
  const keyId = keys.hmacCurrent;
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', sealKey(keys, keyId), iv);
  cipher.setAAD(Buffer.from(endpointId));
  const ct = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [
    SEAL_SCHEME,
    keyId,
    iv.toString('base64'),
    ct.toString('base64'),
    cipher.getAuthTag().toString('base64'),
  ].join(':');
}

export function openSecret(keys: AuditKeys, endpointId: string, sealed: string): string {
  const [scheme, keyId, iv, ct, tag] = sealed.split(':');
  if (scheme !== SEAL_SCHEME || !keyId || !iv || !ct || !tag) throw new Error('not a sealed webhook secret');
  const decipher = crypto.createDecipheriv('aes-256-gcm', sealKey(keys, keyId), Buffer.from(iv, 'base64'));
  decipher.setAAD(Buffer.from(endpointId));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8');
}

/** `msg_<hex>`: the same for the same (event, endpoint), so a receiver recognises a repeat. */
export function webhookIdFor(endpointId: string, eventKey: string): string {
  return `msg_${crypto.createHash('sha256').update(`${endpointId}\n${eventKey}`).digest('hex').slice(0, 32)}`;
}
