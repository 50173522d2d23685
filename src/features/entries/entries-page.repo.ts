import { type TenantTx, queryRows } from '../../db/databases.js';
import { containsPattern } from '../../db/like-pattern.js';
import type { StoredLocation } from '../../db/schema/region.js';
import type { EntryCursor, EntrySort } from './entries-cursor.js';
import type { EntriesQuery } from './entries.schemas.js';

/**
 * The entries API's page query as plain SQL text, run without the ORM: it is the hottest read
 * of the API, and mapping every field of every row through drizzle cost more than the query
 * itself. The benchmark's baseline runs the same text (`entriesPageQuery`), so the two compare
 * the same work. Only validated values reach it, and all of them as parameters.
 */

/** One entry with its entity, in the columns the entry view needs. */
export interface EntryViewRow {
  id: string;
  listId: string;
  group: string | null;
  purpose: string | null;
  dataCategories: string | null;
  dataCategoryTags: string[];
  dataSubjects: string[];
  locations: StoredLocation[];
  transferMechanism: string | null;
  optional: boolean;
  position: number;
  /** ISO 8601, UTC, milliseconds (as toISOString). */
  createdAt: string;
  updatedAt: string;
  entityId: string;
  legalName: string;
  tradingNames: string[];
  formerNames: string[];
  kind: 'affiliate' | 'infrastructure' | 'third_party' | null;
}

/** A timestamp as JavaScript's toISOString writes it (both truncate to milliseconds), so no row is parsed into a Date only to be printed again. */
const isoTime = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const COLUMNS = `e.id, e.list_id as "listId", e.group_name as "group", e.purpose,
  e.data_categories as "dataCategories", e.data_category_tags as "dataCategoryTags",
  e.data_subjects as "dataSubjects", e.locations, e.transfer_mechanism as "transferMechanism",
  e.optional, e.position, ${isoTime('e.created_at')} as "createdAt", ${isoTime('e.updated_at')} as "updatedAt",
  en.id as "entityId", en.legal_name as "legalName", en.trading_names as "tradingNames",
  en.former_names as "formerNames", en.kind`;

const FROM = 'from entries e join entities en on en.tenant_id = e.tenant_id and en.id = e.entity_id';

const ORDER: Record<EntrySort, string> = {
  position: 'e.position, e.id',
  legalName: 'en.legal_name, e.id',
  '-legalName': 'en.legal_name desc, e.id',
  // Entries without a group come last (NULLS LAST is the default for ascending order).
  group: 'e.group_name, e.position, e.id',
};

/** Conditions and their parameters, numbered from $1 in the order they are added. */
class Where {
  readonly values: unknown[] = [];
  private readonly parts: string[] = [];
  param(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
  add(condition: string) {
    this.parts.push(condition);
  }
  toString() {
    return `where ${this.parts.join(' and ')}`;
  }
}

function filters(listId: string, q: EntriesQuery): Where {
  const w = new Where();
  w.add(`e.list_id = ${w.param(listId)}::uuid`);
  if (q.group) w.add(`e.group_name = ${w.param(q.group)}`);
  if (q.type) w.add(`en.kind = ${w.param(q.type)}`);
  if (q.country) w.add(`e.country_codes @> array[${w.param(q.country)}]::text[]`);
  if (q.q) {
    const p = w.param(containsPattern(q.q));
    w.add(
      `(en.legal_name ilike ${p} or e.purpose ilike ${p} or exists (select 1 from unnest(en.trading_names) n where n ilike ${p}))`,
    );
  }
  return w;
}

/** Entries strictly after the cursor in its sort order (row comparisons the indexes serve). */
function afterCursor(w: Where, c: EntryCursor): string {
  const id = `${w.param(c.id)}::uuid`;
  switch (c.sort) {
    case 'position':
      return `(e.position, e.id) > (${w.param(c.position)}::int, ${id})`;
    case 'legalName':
      return `(en.legal_name, e.id) > (${w.param(c.legalName)}, ${id})`;
    case '-legalName': {
      const name = w.param(c.legalName);
      return `(en.legal_name < ${name} or (en.legal_name = ${name} and e.id > ${id}))`;
    }
    case 'group': {
      const position = `${w.param(c.position)}::int`;
      return c.group === null
        ? `(e.group_name is null and (e.position, e.id) > (${position}, ${id}))`
        : `((e.group_name, e.position, e.id) > (${w.param(c.group)}, ${position}, ${id}) or e.group_name is null)`;
    }
  }
}

/**
 * One page, by keyset: `limit + 1` rows after the cursor (the extra one says whether there is a
 * next page), so the cost does not grow with the list. `offset` is honoured for old callers.
 */
export function entriesPageQuery(listId: string, q: EntriesQuery, cursor: EntryCursor | null) {
  const w = filters(listId, q);
  if (cursor) w.add(afterCursor(w, cursor));
  const limit = w.param(q.limit + 1);
  const offset = q.offset ? ` offset ${w.param(q.offset)}` : '';
  return {
    text: `select ${COLUMNS} ${FROM} ${w} order by ${ORDER[q.sort]} limit ${limit}${offset}`,
    values: w.values,
  };
}

export function selectEntriesPage(tx: TenantTx, listId: string, q: EntriesQuery, cursor: EntryCursor | null) {
  const { text, values } = entriesPageQuery(listId, q, cursor);
  return queryRows<EntryViewRow>(tx, text, values);
}

/** How many entries match the filters (only when a caller asks: it reads every match). */
export async function countEntries(tx: TenantTx, listId: string, q: EntriesQuery): Promise<number> {
  const w = filters(listId, q);
  const [r] = await queryRows<{ n: number }>(tx, `select count(*)::int as n ${FROM} ${w}`, w.values);
  return r?.n ?? 0;
}

/** The cursor that continues after this row. */
export function cursorOf(sort: EntrySort, r: EntryViewRow): EntryCursor {
  if (sort === 'position') return { sort, position: r.position, id: r.id };
  if (sort === 'group') return { sort, group: r.group, position: r.position, id: r.id };
  return { sort, legalName: r.legalName, id: r.id };
}

/** One entry of the list, in the same columns. */
export async function selectEntryView(
  tx: TenantTx,
  listId: string,
  id: string,
): Promise<EntryViewRow | null> {
  const [r] = await queryRows<EntryViewRow>(
    tx,
    `select ${COLUMNS} ${FROM} where e.list_id = $1::uuid and e.id = $2::uuid`,
    [listId, id],
  );
  return r ?? null;
}
