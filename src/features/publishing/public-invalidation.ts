import type { AppDeps } from '../../app/deps.js';
import { announceDirectoryChange } from '../../platform/directory-channel.js';

/** What other processes receive on the directory channel when a list's public face changed. */
export interface PublicListsChanged {
  id: string;
  lists: string[];
}

/**
 * A list stopped being public, or is public under another slug (visibility changed, slug
 * changed, list deleted): this process forgets its renderings at once, before the change is
 * answered; every process listening on the directory channel forgets them when the NOTIFY
 * arrives (milliseconds). A process whose listener is reconnecting sees it within the cache's
 * LATEST_TTL_MS. Called after the region transaction committed.
 */
export async function publicListsChanged(deps: AppDeps, tenantId: string, slugs: string[]): Promise<void> {
  const unique = [...new Set(slugs)];
  for (const slug of unique) deps.publicCache?.forgetList(tenantId, slug);
  const payload: PublicListsChanged = { id: tenantId, lists: unique };
  await announceDirectoryChange(deps.dbs.control, payload);
}
