import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import type { AuditKeys } from '../../src/platform/audit-keys.js';
import { loadConfig } from '../../src/platform/config.js';
import {
  WebhookAddressError,
  isForbiddenAddress,
  parseWebhookUrl,
  resolveWebhookHost,
} from '../../src/features/webhooks/webhook-address.js';
import { retryDelayMs } from '../../src/features/webhooks/webhook-delivery.js';
import {
  newWebhookSecret,
  openSecret,
  sealSecret,
  signWebhook,
  webhookIdFor,
} from '../../src/features/webhooks/webhook-signing.js';

describe('Standard Webhooks signing', () => {
  it("matches the specification's example vector", () => {
    const headers = signWebhook(
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      new Date(1614265330 * 1000),
      '{"test": 2432232314}',
    );
    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('a receiver verifies a fresh signature with the secret, and refuses a changed body', () => {
    const secret = newWebhookSecret();
    const body = JSON.stringify({ type: 'version.published', data: { n: 1 } });
    const headers = signWebhook(secret, 'msg_1', new Date(), body);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(body.replace('1', '2'), { ...headers })).toThrow();
  });

  it('webhook-id is stable per (endpoint, event) and differs between them', () => {
    expect(webhookIdFor('e1', 'version.published:l:1')).toBe(webhookIdFor('e1', 'version.published:l:1'));
    expect(webhookIdFor('e1', 'version.published:l:1')).not.toBe(webhookIdFor('e2', 'version.published:l:1'));
    expect(webhookIdFor('e1', 'version.published:l:1')).not.toBe(webhookIdFor('e1', 'version.published:l:2'));
  });

  it('seals the secret for the database; it opens only with the key and for its endpoint', () => {
    const keys = { hmacCurrent: 'k1', hmac: new Map([['k1', Buffer.alloc(32, 7)]]) } as unknown as AuditKeys;
    const secret = newWebhookSecret();
    const sealed = sealSecret(keys, 'endpoint-a', secret);
    expect(sealed).not.toContain(secret.slice(6));
    expect(openSecret(keys, 'endpoint-a', sealed)).toBe(secret);
    expect(() => openSecret(keys, 'endpoint-b', sealed)).toThrow();
    const otherKey = {
      hmacCurrent: 'k1',
      hmac: new Map([['k1', Buffer.alloc(32, 8)]]),
    } as unknown as AuditKeys;
    expect(() => openSecret(otherKey, 'endpoint-a', sealed)).toThrow();
  });
});

describe('SSRF guard', () => {
  it.each([
    '10.1.2.3',
    '127.0.0.1',
    '127.255.0.9',
    '0.0.0.0',
    '169.254.169.254',
    '172.16.5.4',
    '192.168.1.1',
    '100.64.0.1',
    '224.0.0.251',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '64:ff9b::10.0.0.1',
    'not-an-ip',
  ])('refuses %s', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(true);
  });

  it.each(['8.8.8.8', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(false);
  });

  it('refuses a host name that resolves to a private address, even among public ones', async () => {
    const resolver = async () => [
      { address: '93.184.216.34', family: 4 as const },
      { address: '10.0.0.5', family: 4 as const },
    ];
    await expect(resolveWebhookHost('mixed.example.test', false, resolver)).rejects.toThrow(
      /resolves to 10\.0\.0\.5/,
    );
    await expect(resolveWebhookHost('mixed.example.test', true, resolver)).resolves.toEqual({
      address: '93.184.216.34',
      family: 4,
    });
    await expect(resolveWebhookHost('[::1]', false)).rejects.toThrow(WebhookAddressError);
    await expect(
      resolveWebhookHost('nothing.invalid', false, async () => {
        throw new Error('ENOTFOUND');
      }),
    ).rejects.toThrow(/does not resolve/);
  });

  it('URLs: https only (unless allowed), no credentials, no fragment, bounded length', () => {
    expect(parseWebhookUrl('https://hooks.example.com/x?a=1', false).hostname).toBe('hooks.example.com');
    expect(() => parseWebhookUrl('http://hooks.example.com/', false)).toThrow(/https/);
    expect(parseWebhookUrl('http://127.0.0.1:8080/', true).port).toBe('8080');
    expect(() => parseWebhookUrl('ftp://hooks.example.com/', true)).toThrow(/https:\/\/ or http/);
    expect(() => parseWebhookUrl('javascript:alert(1)', false)).toThrow(WebhookAddressError);
    expect(() => parseWebhookUrl('https://u:p@hooks.example.com/', false)).toThrow(/user name and password/);
    expect(() => parseWebhookUrl('https://hooks.example.com/#x', false)).toThrow(/fragment/);
    expect(() => parseWebhookUrl('hooks.example.com', false)).toThrow(/absolute URL/);
    expect(() => parseWebhookUrl(`https://example.com/${'a'.repeat(3000)}`, false)).toThrow(/longer than/);
  });
});

describe('retry schedule', () => {
  const settings = loadConfig({}).webhooks;
  it('backs off over hours, with jitter of at most 20 %', () => {
    const mid = (n: number) => retryDelayMs(settings, n, () => 0.5);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(mid)).toEqual(
      [5, 30, 120, 600, 3600, 10800, 21600, 21600].map((s) => s * 1000),
    );
    expect(retryDelayMs(settings, 5, () => 0)).toBe(3600 * 800);
    expect(retryDelayMs(settings, 5, () => 0.999999)).toBeLessThanOrEqual(3600 * 1200);
    expect(settings).toMatchObject({ allowPrivate: false, timeoutMs: 10_000, giveUpAfterHours: 24 });
  });

  it('configuration refuses a malformed schedule with a message that says how to write it', () => {
    expect(() => loadConfig({ WEBHOOKS_RETRY_DELAYS: '5,abc' })).toThrow(/seconds separated by commas/);
    expect(loadConfig({ WEBHOOKS_RETRY_DELAYS: '1, 2,3' }).webhooks.retryDelaysSeconds).toEqual([1, 2, 3]);
  });
});
