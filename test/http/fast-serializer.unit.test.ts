import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { entriesPage } from '../../src/features/entries/entries.schemas.js';
import { listView } from '../../src/features/lists/lists.schemas.js';
import { pageOf, problemSchema } from '../../src/http/common-schemas.js';
import { compileFast } from '../../src/http/fast-serializer.js';

const uuid = '00000000-0000-4000-8000-000000000001';
const entry = {
  id: uuid,
  listId: uuid,
  entity: { id: uuid, legalName: 'Acme "Q" <b>\u2028', tradingNames: [], formerNames: ['Old'], kind: null },
  group: null,
  purpose: 'Hosting',
  dataCategories: null,
  dataCategoryTags: ['a'],
  dataSubjects: [],
  locations: [{ written: 'Germany', countries: ['DE'], regions: ['EU'], role: null }],
  transferMechanism: null,
  optional: false,
  position: 3,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('fast response serialiser', () => {
  it('writes what zod would, for the hot read routes', () => {
    const page = {
      items: [entry, { ...entry, group: 'G', entity: { ...entry.entity, kind: 'affiliate' } }],
      limit: 50,
      next: 'abc',
      offset: 0,
      nextOffset: null,
    };
    const fast = compileFast(entriesPage);
    expect(fast).not.toBeNull();
    expect(JSON.parse(fast!(page))).toEqual(entriesPage.parse(page));
    expect(JSON.parse(fast!({ ...page, total: 7 })).total).toBe(7);
    const problem = {
      type: 'about:blank',
      title: 'Bad',
      status: 400,
      code: 'X',
      detail: 'd',
      requestId: 'r',
      details: { a: [1] },
    };
    expect(JSON.parse(compileFast(problemSchema)!(problem))).toEqual(problem);
    expect(compileFast(pageOf(listView))).not.toBeNull();
  });

  it('writes only the properties the schema names (nothing unlisted leaks)', () => {
    const fast = compileFast(entriesPage)!;
    const out = fast({
      items: [{ ...entry, secret: 'x', entity: { ...entry.entity, passwordHash: 'y' } }],
      limit: 1,
      next: null,
      offset: 0,
      nextOffset: null,
      debug: 1,
    });
    expect(out).not.toContain('secret');
    expect(out).not.toContain('passwordHash');
    expect(out).not.toContain('debug');
  });

  it('leaves to zod what JSON Schema cannot say', () => {
    expect(compileFast(z.date())).toBeNull();
    expect(compileFast(z.string().transform((s) => s.length))).toBeNull();
  });
});

describe('objects inside a choice (anyOf) with a key the schema does not name', () => {
  it('are written without that key, as zod would, instead of failing the request', () => {
    // Regression: GET .../imports/{id} answered 500 when a preview object (nullable, so inside
    // anyOf) carried a key its schema left out: the branch check refused it.
    const schema = z.object({
      preview: z.object({ counts: z.object({ add: z.number() }) }).nullable(),
    });
    const write = compileFast(schema)!;
    expect(write).not.toBeNull();
    const out = JSON.parse(write({ preview: { counts: { add: 2, extra: 1 }, internal: 'x' } }));
    expect(out).toEqual({ preview: { counts: { add: 2 } } });
    expect(JSON.parse(write({ preview: null }))).toEqual({ preview: null });
  });
});
