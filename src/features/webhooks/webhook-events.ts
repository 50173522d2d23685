import type { ChangeSet, SnapshotEntry } from '../../domain/public-view.js';

/**
 * The events an endpoint may subscribe to. A small closed list: change notices add theirs
 * (`notice.*`) here. `webhook.test` is what the test button sends; nobody subscribes to it.
 */
export const WEBHOOK_EVENTS = ['version.published'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export const TEST_EVENT = 'webhook.test';

/** What a receiver gets: the Standard Webhooks envelope `{ type, timestamp, data }`. */
export interface WebhookPayload {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/** At most this many entries per kind are named in a payload; the counts are always whole. */
const NAMED_PER_KIND = 100;

export interface PublishedVersionFacts {
  tenant: { slug: string; name: string };
  list: { id: string; slug: string; title: string };
  version: {
    number: number;
    publishedAt: Date;
    effectiveAt: Date;
    summary: string | null;
    changes: ChangeSet;
  };
  publicBaseUrl: string;
}

const named = (e: SnapshotEntry) => ({
  legalName: e.legalName,
  purpose: e.purpose,
  locations: e.locations.map((l) => l.written),
});

/** `version.published`: the list, the version, what changed (in short) and where to read it all. */
export function versionPublishedPayload(f: PublishedVersionFacts): WebhookPayload {
  const base = f.publicBaseUrl.replace(/\/+$/, '');
  const listUrl = `${base}/t/${encodeURIComponent(f.tenant.slug)}/${encodeURIComponent(f.list.slug)}`;
  const c = f.version.changes;
  return {
    type: 'version.published',
    timestamp: f.version.publishedAt.toISOString(),
    data: {
      tenant: f.tenant,
      list: f.list,
      version: {
        number: f.version.number,
        publishedAt: f.version.publishedAt.toISOString(),
        effectiveAt: f.version.effectiveAt.toISOString(),
        summary: f.version.summary,
      },
      changes: {
        counts: { added: c.added.length, removed: c.removed.length, changed: c.changed.length },
        added: c.added.slice(0, NAMED_PER_KIND).map(named),
        removed: c.removed.slice(0, NAMED_PER_KIND).map(named),
        changed: c.changed
          .slice(0, NAMED_PER_KIND)
          .map((e) => ({ legalName: e.legalName, fields: e.changes.map((x) => x.field) })),
        documentFields: c.documentFields,
        truncated: [c.added, c.removed, c.changed].some((k) => k.length > NAMED_PER_KIND),
      },
      links: {
        list: listUrl,
        version: `${listUrl}/versions/${f.version.number}`,
        versionJson: `${listUrl}/versions/${f.version.number}.json`,
      },
    },
  };
}

export function testPayload(endpointId: string, at: Date): WebhookPayload {
  return {
    type: TEST_EVENT,
    timestamp: at.toISOString(),
    data: { endpointId, message: 'A test delivery from subreg: your endpoint is reachable.' },
  };
}
