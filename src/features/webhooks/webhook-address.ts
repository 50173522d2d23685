import dns from 'node:dns/promises';
import net from 'node:net';

/**
 * The SSRF guard. A webhook URL must not make the server call into its own network: addresses
 * that are private, loopback, link-local, multicast, unique-local or otherwise not public are
 * refused when the URL is saved and again at every delivery (the delivery connects to the very
 * address checked here, so a name that re-resolves elsewhere later is not followed).
 */

export const MAX_URL_LENGTH = 2048;

/** Why an address or URL is refused, in words for the person who typed it. */
export class WebhookAddressError extends Error {}

const blocked = new net.BlockList();
for (const [net4, bits] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services live here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and broadcast
] as const)
  blocked.addSubnet(net4, bits, 'ipv4');
for (const [net6, bits] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const)
  blocked.addSubnet(net6, bits, 'ipv6');

/** The IPv4 address inside an IPv4-mapped, -compatible or NAT64 IPv6 address, if any. */
function embeddedIPv4(ip: string): string | null {
  const m = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (m) return m[1]!;
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip);
  if (!hex) return null;
  const hi = Number.parseInt(hex[1]!, 16);
  const lo = Number.parseInt(hex[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** True when a webhook may not be sent to this IP address (not a public unicast address). */
export function isForbiddenAddress(ip: string): boolean {
  const family = net.isIP(ip);
  if (family === 4) return blocked.check(ip, 'ipv4');
  if (family === 6) {
    const v4 = embeddedIPv4(ip.toLowerCase());
    if (v4) return blocked.check(v4, 'ipv4');
    return blocked.check(ip, 'ipv6');
  }
  return true;
}

/**
 * The URL as saved: absolute, https (http only where private addresses are allowed), no user
 * name or password in it (the secret signs the calls), no fragment. Throws with what to fix.
 */
export function parseWebhookUrl(raw: string, allowPrivate: boolean): URL {
  if (raw.length > MAX_URL_LENGTH)
    throw new WebhookAddressError(`The URL is longer than ${MAX_URL_LENGTH} characters; use a shorter one.`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookAddressError(
      'The URL is not a valid absolute URL; write it as https://example.com/hooks.',
    );
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:'))
    throw new WebhookAddressError(
      allowPrivate
        ? 'The URL must start with https:// or http://.'
        : 'The URL must start with https:// (webhooks are not sent over plain http).',
    );
  if (url.username || url.password)
    throw new WebhookAddressError(
      'Remove the user name and password from the URL; the receiver checks the signature instead.',
    );
  if (url.hash) throw new WebhookAddressError('Remove the #fragment from the URL; it is never sent.');
  if (!url.hostname) throw new WebhookAddressError('The URL has no host name.');
  return url;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await dns.lookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/** `[::1]` -> `::1`: URL keeps the brackets of an IPv6 host. */
const bareHost = (hostname: string) => hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * The address to connect to: every address the name resolves to must be public (a name that
 * mixes public and private addresses is refused too), unless private ones are allowed.
 */
export async function resolveWebhookHost(
  hostname: string,
  allowPrivate: boolean,
  resolve: Resolver = systemResolver,
): Promise<ResolvedAddress> {
  const host = bareHost(hostname);
  const literal = net.isIP(host);
  let addresses: ResolvedAddress[];
  if (literal) addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      throw new WebhookAddressError(`The host name "${host}" does not resolve; check the URL.`);
    }
    if (addresses.length === 0)
      throw new WebhookAddressError(`The host name "${host}" does not resolve; check the URL.`);
  }
  if (!allowPrivate) {
    const bad = addresses.find((a) => isForbiddenAddress(a.address));
    if (bad)
      throw new WebhookAddressError(
        `${literal ? 'The address' : `"${host}" resolves to`} ${bad.address}, a private, loopback, link-local or otherwise non-public address; webhooks are only sent to public addresses.`,
      );
  }
  return addresses[0]!;
}
