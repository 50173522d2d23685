import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, type TestTenant, createHarness, makeTenant, seedList } from '../support/harness.js';
import { multipartFile } from '../support/multipart.js';
import { rawExchange, writeAll } from '../support/raw-http.js';

// Short limits, configured as an operator would, so the test sees them act within seconds.
const REQUEST_TIMEOUT_MS = 1_500;
const HEADERS_TIMEOUT_MS = 600;
const MAX_CONNECTIONS = 4;

let h: Harness;
let t: TestTenant;
let listId: string;
let port: number;

beforeAll(async () => {
  h = await createHarness({
    env: {
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      MAX_CONNECTIONS_PER_CLIENT: String(MAX_CONNECTIONS),
      // The test's clients are on loopback, which is exempt by default (a proxy on this host).
      CONNECTION_CAP_EXEMPT: 'none',
    },
  });
  t = await makeTenant(h);
  listId = (await seedList(h, t)).listId;
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  port = (h.app.server.address() as AddressInfo).port;
});
afterAll(() => h.close());

/** Sends the head of a request, then one byte of its body every 100 ms, for as long as the socket lives. */
const trickleBody = (head: string) => (socket: import('node:net').Socket) => {
  socket.write(head);
  const timer = setInterval(() => (socket.destroyed ? clearInterval(timer) : socket.write('a')), 100);
  socket.once('close', () => clearInterval(timer));
};

describe('slow clients are cut off', () => {
  it('a body that trickles in is timed out, with or without credentials, with a 408 problem', async () => {
    for (const [path, auth] of [
      ['/api/v1/auth/login', ''],
      [`/api/v1/tenants/${t.tenant.slug}/lists`, `Authorization: Bearer ${t.write}\r\n`],
    ] as const) {
      const res = await rawExchange(
        port,
        trickleBody(
          `POST ${path} HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n`,
        ),
        20_000,
      );
      expect(res.closed, `${path}: the server kept the connection`).toBe(true);
      expect(res.status).toBe(408);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(JSON.parse(res.body).code).toBe('REQUEST_TIMEOUT');
    }
  });

  it('headers that trickle in, or none at all, are timed out too', async () => {
    const slowHeaders = await rawExchange(
      port,
      (socket) => {
        socket.write('GET /healthz HTTP/1.1\r\n');
        const timer = setInterval(
          () => (socket.destroyed ? clearInterval(timer) : socket.write('X-A: b\r\n')),
          100,
        );
        socket.once('close', () => clearInterval(timer));
      },
      20_000,
    );
    expect(slowHeaders.closed).toBe(true);
    expect(slowHeaders.status).toBe(408);
    const silent = await rawExchange(port, () => {}, 20_000);
    expect(silent.closed).toBe(true);
  });
});

describe('connections per client address', () => {
  it(`holds at most ${MAX_CONNECTIONS} connections from one address: the next is refused with 503`, async () => {
    const net = await import('node:net');
    const held: import('node:net').Socket[] = [];
    const ask = (s: import('node:net').Socket) =>
      new Promise<string>((resolve) => {
        s.once('data', (d) => resolve(d.toString()));
        s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      });
    try {
      for (let i = 0; i < MAX_CONNECTIONS; i++) {
        const s = net.connect(port, '127.0.0.1');
        await new Promise((r) => s.once('connect', r));
        held.push(s);
        expect(await ask(s)).toMatch(/^HTTP\/1\.1 200/);
      }
      const extra = await rawExchange(
        port,
        (s) => void s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'),
        10_000,
      );
      expect(extra.status).toBe(503);
      expect(JSON.parse(extra.body).code).toBe('TOO_MANY_CONNECTIONS');
      expect(extra.headers['retry-after']).toBe('1');
      expect(extra.closed).toBe(true);

      // One goes away: a new connection is served again.
      const gone = held.pop()!;
      await new Promise((r) => {
        gone.once('close', r);
        gone.destroy();
      });
      await new Promise((r) => setTimeout(r, 50));
      const again = await rawExchange(
        port,
        (s) => void s.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
        10_000,
      );
      expect(again.status).toBe(200);
    } finally {
      for (const s of held) s.destroy();
    }
  });
});

describe('connections from an exempt address (a reverse proxy on this host)', () => {
  it('are not capped: loopback is exempt by default', async () => {
    const net = await import('node:net');
    const proxied = await createHarness({ env: { MAX_CONNECTIONS_PER_CLIENT: '2' } });
    const held: import('node:net').Socket[] = [];
    try {
      await proxied.app.listen({ port: 0, host: '127.0.0.1' });
      const proxiedPort = (proxied.app.server.address() as AddressInfo).port;
      for (let i = 0; i < 4; i++) {
        const s = net.connect(proxiedPort, '127.0.0.1');
        held.push(s);
        const answer = await new Promise<string>((resolve) => {
          s.once('data', (d) => resolve(d.toString()));
          s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
        });
        expect(answer).toMatch(/^HTTP\/1\.1 200/);
      }
    } finally {
      for (const s of held) s.destroy();
      await proxied.close();
    }
  });
});

describe('a refused body is read before the connection closes', () => {
  it('an oversized JSON body gets its 413 (saying the limit), not a broken pipe, and the connection stays usable', async () => {
    // 8 MB against a 1 MB limit: more than the kernel's buffers swallow, so a server that
    // closes at once leaves the client writing into a reset connection (EPIPE).
    const body = Buffer.from(JSON.stringify({ legalName: 'x', pad: 'y'.repeat(8 * 1024 * 1024) }));
    const res = await rawExchange(
      port,
      async (s) => {
        s.write(
          `POST /api/v1/tenants/${t.tenant.slug}/entities HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t.write}\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
        );
        await writeAll(s, body);
        // The body was read to its end, so the same connection carries the next request.
        if (!s.destroyed) s.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      },
      30_000,
    );
    expect(res.error, 'the client could not finish sending').toBeNull();
    expect(res.status).toBe(413);
    const problem = JSON.parse(res.body);
    expect(problem.code).toBe('BODY_TOO_LARGE');
    expect(problem.detail).toContain('1 MB');
    expect(res.rest).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('an oversized upload gets its 413, not a broken pipe', async () => {
    const { payload, headers } = multipartFile('big.csv', Buffer.alloc(21 * 1024 * 1024, 'a'));
    const res = await rawExchange(
      port,
      async (s) => {
        s.write(
          `POST /api/v1/tenants/${t.tenant.slug}/lists/${listId}/imports HTTP/1.1\r\nHost: x\r\n` +
            `Authorization: Bearer ${t.write}\r\nContent-Type: ${headers['content-type']}\r\n` +
            `Content-Length: ${payload.length}\r\nConnection: close\r\n\r\n`,
        );
        await writeAll(s, payload);
      },
      30_000,
    );
    expect(res.error, 'the client could not finish sending').toBeNull();
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(JSON.parse(res.body).code).toBe('FILE_TOO_LARGE');
  }, 60_000);

  it('a body far beyond the bound is not read to its end: the connection closes', async () => {
    let written = 0;
    const declared = 200 * 1024 * 1024;
    const res = await rawExchange(
      port,
      async (s) => {
        s.write(
          `POST /api/v1/tenants/${t.tenant.slug}/entities HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t.write}\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n`,
        );
        const chunk = Buffer.alloc(1024 * 1024, 'a');
        while (!s.destroyed && written < declared) {
          await writeAll(s, chunk);
          written += chunk.length;
        }
      },
      30_000,
    );
    expect(res.closed).toBe(true);
    expect(res.status).toBe(413);
    expect(written).toBeLessThan(declared);
  });
});
