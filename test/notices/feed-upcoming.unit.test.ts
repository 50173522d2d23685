import { describe, expect, it } from 'vitest';
import { feedItems } from '../../src/features/publishing/feeds/feed-items.js';
import type { PublicListView, VersionSummary } from '../../src/domain/public-view.js';

const DAY = 86_400_000;
const version = (number: number, publishedAt: string, effectiveAt: string): VersionSummary => ({
  number,
  publishedAt,
  effectiveAt,
  author: null,
  summary: null,
  counts: { added: 1, removed: 0, changed: 0 },
});

/** Only what feedItems reads of a view. */
const viewOf = (history: VersionSummary[]) =>
  ({
    baseUrl: 'https://subreg.test',
    tenant: { slug: 'acme' },
    version: { snapshot: { document: { slug: 'main' } } },
    history,
  }) as unknown as PublicListView;

describe('feed items and upcoming changes', () => {
  it('a version announced ahead says when it takes effect and what applies until then', () => {
    const t0 = Date.parse('2026-11-01T09:00:00Z');
    const iso = (ms: number) => new Date(ms).toISOString();
    const [v3, v2, v1] = feedItems(
      viewOf([
        version(3, iso(t0 + 2 * DAY), iso(t0 + 32 * DAY)),
        version(2, iso(t0 + DAY), iso(t0 + DAY + 30_000)),
        version(1, iso(t0), iso(t0)),
      ]),
    );
    expect(v3?.summary).toMatch(/\nTakes effect on 2026-12-03; until then, version 2 applies\.$/);
    expect(v3?.summary).not.toContain('In effect from');
    // Effective within a minute of publishing (clock slack): simply in effect.
    expect(v2?.summary).toMatch(/\nIn effect from 2026-11-02\.$/);
    expect(v1?.summary).toMatch(/^First published version\.\n[\s\S]*\nIn effect from 2026-11-01\.$/);
  });

  it('a first version given a later date takes effect on it, with nothing before it to name', () => {
    const [v1] = feedItems(viewOf([version(1, '2026-11-01T09:00:00Z', '2026-11-15T00:00:00Z')]));
    expect(v1?.summary).toMatch(/\nTakes effect on 2026-11-15\.$/);
  });
});
