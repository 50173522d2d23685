import { describe, expect, it } from 'vitest';
import { feedItems } from '../../src/features/publishing/feeds/feed-items.js';
import { listView, twoVersions, versionOf } from '../trust-page/fixtures.js';

describe('feed items', () => {
  it("speak the reader's words for changed fields, never the code's names", () => {
    const { v1, v2, doc } = twoVersions();
    const v3 = versionOf(
      3,
      v2.snapshot.entries,
      { ...doc, noticePeriodDays: 14 },
      {
        added: [],
        removed: [],
        changed: [
          {
            key: v2.snapshot.entries[0]!.key,
            legalName: v2.snapshot.entries[0]!.legalName,
            changes: [
              { field: 'dataCategories', before: 'a', after: 'b' },
              { field: 'transferMechanism', before: null, after: 'SCCs' },
            ],
          },
        ],
        documentFields: ['noticePeriodDays', 'intro'],
      },
    );
    const [newest] = feedItems(listView([v1, v2, v3]));
    expect(newest!.summary).toContain('(data categories, transfer mechanism)');
    expect(newest!.summary).toContain('Document: notice period, introduction changed.');
    expect(newest!.summary).not.toMatch(/dataCategories|transferMechanism|noticePeriodDays/);
  });
});
