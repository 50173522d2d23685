import net from 'node:net';

export interface RawResponse {
  status: number | null;
  headers: Record<string, string>;
  body: string;
  /** a write or read error the client saw (EPIPE, ECONNRESET), if any */
  error: string | null;
  /** the server closed the connection */
  closed: boolean;
  /** whatever came after the first response (the next response on a kept-alive connection) */
  rest: string;
}

/** Parses the first HTTP/1.1 response in what a raw socket received. */
export function parseResponse(data: string): Pick<RawResponse, 'status' | 'headers' | 'body' | 'rest'> {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return { status: null, headers: {}, body: '', rest: '' };
  const [statusLine, ...lines] = data.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? '')?.[1] ?? Number.NaN);
  let body = data.slice(end + 4);
  let rest = '';
  if (headers['content-length']) {
    rest = body.slice(Number(headers['content-length']));
    body = body.slice(0, Number(headers['content-length']));
  }
  return { status: Number.isNaN(status) ? null : status, headers, body, rest };
}

/**
 * Opens a socket, lets `drive` write to it (slowly, in pieces, or not at all) and collects what
 * comes back until the server closes the connection or `waitMs` passes.
 */
export function rawExchange(
  port: number,
  drive: (socket: net.Socket) => void | Promise<void>,
  waitMs: number,
): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    let error: string | null = null;
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parseResponse(data), error, closed });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (d) => {
      data += d.toString('latin1');
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error ??= e.code ?? e.message;
    });
    socket.on('close', () => finish(true));
    socket.on('connect', () => void drive(socket));
  });
}

/**
 * Writes `bytes` in chunks, honouring backpressure, stopping if the socket goes away. `pauseMs`
 * between chunks makes a client like one on a real network, whose body is still on its way when
 * the server answers (on loopback the kernel's buffers would otherwise swallow it at once).
 */
export async function writeAll(
  socket: net.Socket,
  bytes: Buffer,
  { chunk = 64 * 1024, pauseMs = 0 }: { chunk?: number; pauseMs?: number } = {},
): Promise<void> {
  for (let i = 0; i < bytes.length && !socket.destroyed; i += chunk) {
    if (pauseMs > 0 && i > 0) await new Promise((r) => setTimeout(r, pauseMs));
    if (!socket.write(bytes.subarray(i, i + chunk))) {
      await new Promise<void>((resolve) => {
        const done = () => {
          socket.off('drain', done);
          socket.off('close', done);
          resolve();
        };
        socket.on('drain', done);
        socket.on('close', done);
      });
    }
  }
}
