import pg from 'pg';
import { applyAuthForget, authCacheOf } from '../features/auth/auth-cache.js';
import { DIRECTORY_CHANNEL } from '../platform/directory-channel.js';
import type { AppDeps } from './deps.js';

/**
 * Listens on the control database for directory changes made by other processes (a region move
 * run from the CLI, another server) and drops this process's cached entry and public renderings
 * of that tenant at once (or of the lists named, when a list's visibility or slug changed), and
 * the auth cache entries of a revoked token, ended session or changed membership (auth-cache.ts).
 * While the listener is reconnecting, the caches' short TTLs (directory, AUTH_CACHE_TTL_MS) are
 * the fallback.
 */
export async function listenForDirectoryChanges(
  controlUrl: string,
  deps: Pick<AppDeps, 'directory' | 'publicCache' | 'authCache'>,
  log: (msg: string) => void,
): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | null = null;
  const connect = async () => {
    const c = new pg.Client({ connectionString: controlUrl, application_name: 'subreg-directory-listener' });
    c.on('notification', (n) => {
      try {
        const { id, slug, lists, auth } = JSON.parse(n.payload ?? '{}') as {
          id?: string;
          slug?: string;
          lists?: unknown;
          auth?: unknown;
        };
        // A token revoked, a session ended, a membership changed (auth-cache.ts forgetEverywhere).
        if (auth) applyAuthForget(authCacheOf(deps), auth);
        if (slug) deps.directory.forget(slug);
        // A list's visibility or slug changed (public-invalidation.ts): forget that list only.
        if (id && Array.isArray(lists))
          for (const l of lists) if (typeof l === 'string') deps.publicCache?.forgetList(id, l);
        if (id && !Array.isArray(lists)) deps.publicCache?.forgetTenant(id);
      } catch {
        // not ours
      }
    });
    c.on('error', () => {
      if (stopped) return;
      log('directory listener lost its connection; reconnecting in 5 s');
      setTimeout(() => void connect().catch(() => {}), 5_000).unref();
    });
    await c.connect();
    await c.query(`LISTEN ${DIRECTORY_CHANNEL}`);
    client = c;
  };
  await connect();
  return async () => {
    stopped = true;
    await client?.end().catch(() => {});
  };
}
