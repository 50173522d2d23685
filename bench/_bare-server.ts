/**
 * The trust-page benchmark's baseline: a bare Node `http` server, in its own process, sending
 * fixed bytes with fixed headers per path (what a static file server or CDN edge would send).
 * Usage: node bench/_bare-server.ts <manifest.json>; prints its port on stdout.
 * manifest: { "/path": { "file": "/abs/body", "headers": { ... } } }
 */
import fs from 'node:fs';
import http from 'node:http';

const manifest = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as Record<
  string,
  { file: string; headers: Record<string, string> }
>;
const routes = new Map(
  Object.entries(manifest).map(([p, r]) => [p, { body: fs.readFileSync(r.file), headers: r.headers }]),
);
const server = http.createServer((req, res) => {
  const r = routes.get(req.url ?? '');
  if (!r) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { ...r.headers, 'content-length': r.body.length });
  res.end(r.body);
});
server.keepAliveTimeout = 72_000;
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  process.stdout.write(`${typeof a === 'object' && a ? a.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
