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
    });
    expect(c.metrics).toEqual({ token: null, port: null, host: '127.0.0.1' });
  });

  it.each([
    [{ REQUEST_TIMEOUT_MS: '1000', HEADERS_TIMEOUT_MS: '5000' }, /HEADERS_TIMEOUT_MS .* must not be larger/],
    [{ REQUEST_TIMEOUT_MS: 'soon' }, /REQUEST_TIMEOUT_MS/],
    [{ MAX_CONNECTIONS_PER_CLIENT: '-1' }, /MAX_CONNECTIONS_PER_CLIENT/],
    [{ METRICS_TOKEN: 'short' }, /METRICS_TOKEN: must be at least 16 characters/],
    [{ METRICS_PORT: '3000' }, /METRICS_PORT must differ from PORT/],
  ])('refuses %o with a message that says what to fix', (env, message) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, ...env })).toThrow(message);
  });

  it('takes the cap off with 0 (behind a reverse proxy every client is the proxy)', () => {
    expect(loadConfig({ ...base, MAX_CONNECTIONS_PER_CLIENT: '0' }).http.maxConnectionsPerClient).toBe(0);
  });
});
