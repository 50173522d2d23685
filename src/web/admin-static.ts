import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { actorFromSession } from '../features/auth/auth.service.js';
import { SESSION_COOKIE } from '../http/request-auth.js';
import type { AppDeps } from '../app/deps.js';

/** Where `npm run build:web` writes the admin app (gitignored). */
export const ADMIN_DIST = path.resolve(import.meta.dirname, '../../dist/admin');

/**
 * React Aria's press handling adds one <style> (touch-action on pressable elements, so taps are
 * not delayed); this is its hash. If React Aria changes that text, the browser test sees the CSP
 * refusal on the console; the app works without it (styles.css carries the same rule).
 */
const REACT_ARIA_PRESS_STYLE = "'sha256-38RhXrc7EdReTKsOm23ZPOCUgniTUUcjky8QOOrQx6o='";

/** The app loads only its own files and talks only to its own server. */
export const ADMIN_CSP =
  `default-src 'self'; script-src 'self'; style-src 'self' ${REACT_ARIA_PRESS_STYLE}; ` +
  "img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};
/** Vite's hashed file names: a name, a dot, an extension; nothing that could leave the folder. */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,200}$/;

const notBuilt = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>subreg admin</title></head>
<body><main><h1>The admin app is not built</h1><p>Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it when needed), then reload.</p></main></body></html>`;

/**
 * The admin single-page app at /app: hashed assets cached for a year (their names change with
 * their content), index.html never cached (it names the current assets), every other /app/*
 * path answered with index.html so deep links work. `/` sends a signed-in person to /app and
 * anyone else to the sign-in page.
 */
export const adminStatic =
  (deps: AppDeps, distDir = ADMIN_DIST): FastifyPluginAsync =>
  async (app) => {
    const sendIndex = async (reply: FastifyReply) => {
      reply.header('content-security-policy', ADMIN_CSP).header('cache-control', 'no-store');
      reply.header('referrer-policy', 'same-origin');
      const index = await fs.readFile(path.join(distDir, 'index.html'), 'utf8').catch(() => null);
      if (index === null) return reply.code(503).type('text/html; charset=utf-8').send(notBuilt);
      return reply.type('text/html; charset=utf-8').send(index);
    };

    app.get('/', { schema: { hide: true } }, async (req, reply) => {
      const cookie = req.cookies[SESSION_COOKIE];
      const signedIn = cookie ? (await actorFromSession(deps, cookie)) !== null : false;
      return reply.header('cache-control', 'no-store').redirect(signedIn ? '/app' : '/app/login', 303);
    });
    app.get('/login', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/app/login', 301));

    app.get<{ Params: { name: string } }>(
      '/app/assets/:name',
      { schema: { hide: true } },
      async (req, reply) => {
        const name = req.params.name;
        const type = TYPES[path.extname(name)];
        const bytes =
          ASSET_NAME.test(name) && type
            ? await fs.readFile(path.join(distDir, 'assets', name)).catch(() => null)
            : null;
        if (!bytes || !type) {
          return reply
            .code(404)
            .header('cache-control', 'no-store')
            .type('text/plain; charset=utf-8')
            .send('No such file: the app was probably rebuilt. Reload the page.');
        }
        return reply
          .header('cache-control', 'public, max-age=31536000, immutable')
          .header('content-security-policy', ADMIN_CSP)
          .type(type)
          .send(bytes);
      },
    );
    app.get('/app', { schema: { hide: true } }, async (_req, reply) => sendIndex(reply));
    app.get('/app/*', { schema: { hide: true } }, async (_req, reply) => sendIndex(reply));
  };
