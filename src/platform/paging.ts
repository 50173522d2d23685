/** Offset paging of lists of anything: a page's items, the total, and where the next page starts. */

export const nextOffset = (offset: number, limit: number, total: number) =>
  offset + limit < total ? offset + limit : null;

/** A page of results from rows that carry `count(*) over ()` as `total`. */
export function pageFrom<R extends { total: number }, T>(
  rows: readonly R[],
  view: (row: R) => T,
  page: { limit: number; offset: number },
) {
  const total = rows[0]?.total ?? 0;
  return {
    items: rows.map(view),
    total,
    limit: page.limit,
    offset: page.offset,
    nextOffset: nextOffset(page.offset, page.limit, total),
  };
}
