import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/platform/config.js';

const base = { DATA_DIR: '/tmp/x' };

describe('HTTP and metrics configuration', () => {
  it('has defaults that bound slow clients', () => {
    const c = loadConfig(base);
    expect(c.http).toEqual({
      requestTimeoutMs: 60_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 5_000,
      maxConnectionsPerClient: 64,
      connectionCapExempt: ['127.0.0.1', '::1', '::ffff:127.0.0.1'],
    });
    expect(c.metrics).toEqual({ token: null, port: null, host: '127.0.0.1' });
  });

  it.each([
    [{ REQUEST_TIMEOUT_MS: '1000', HEADERS_TIMEOUT_MS: '5000' }, /HEADERS_TIMEOUT_MS .* must not be larger/],
    [{ REQUEST_TIMEOUT_MS: 'soon' }, /REQUEST_TIMEOUT_MS/],
    [{ MAX_CONNECTIONS_PER_CLIENT: '-1' }, /MAX_CONNECTIONS_PER_CLIENT/],
    [{ METRICS_TOKEN: 'short' }, /METRICS_TOKEN: must be at least 16 characters/],
    [{ METRICS_PORT: '3000' }, /METRICS_PORT must differ from PORT/],
    [{ CONNECTION_CAP_EXEMPT: '10.0.0.1,proxy.local' }, /CONNECTION_CAP_EXEMPT: must be IP addresses/],
  ])('refuses %o with a message that says what to fix', (env, message) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, ...env })).toThrow(message);
  });

  it('takes the cap off with 0, and exempts the listed proxies (or none)', () => {
    expect(loadConfig({ ...base, MAX_CONNECTIONS_PER_CLIENT: '0' }).http.maxConnectionsPerClient).toBe(0);
    expect(
      loadConfig({ ...base, CONNECTION_CAP_EXEMPT: '10.0.0.5, fd00::1' }).http.connectionCapExempt,
    ).toEqual(['10.0.0.5', 'fd00::1']);
    expect(loadConfig({ ...base, CONNECTION_CAP_EXEMPT: 'none' }).http.connectionCapExempt).toEqual([]);
  });
});
