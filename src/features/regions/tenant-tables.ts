import type pg from 'pg';

/** The move's own bookkeeping table in each region database: never copied, never walked. */
export const FREEZE_TABLE = 'tenant_write_freezes';

/** A table that holds tenant rows, as the region database's catalogue describes it. */
export interface TenantTable {
  name: string;
  /** in column order, generated columns left out (COPY cannot write them) */
  columns: string[];
  /** `name type` per column: what both sides of a move must agree on */
  signature: string[];
  /** primary key columns (tenant_id first): the order of the checksum */
  key: string[];
  /** other tenant tables this one references (they are copied first) */
  dependsOn: string[];
}

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Every table of the public schema with a `tenant_id` column, read from the catalogue (so tables
 * added by later migrations are moved without a code change), ordered so that a table comes after
 * the tables it references.
 */
export async function listTenantTables(client: pg.ClientBase): Promise<TenantTable[]> {
  const { rows } = await client.query<{
    name: string;
    columns: string[];
    signature: string[];
    key: string[] | null;
    depends_on: string[] | null;
  }>(
    `with t as (
       select c.oid, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relname <> $1
         and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id'
                     and not a.attisdropped))
     select t.relname as name,
       (select array_agg(a.attname::text order by a.attnum) from pg_attribute a
         where a.attrelid = t.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = '') as columns,
       (select array_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) order by a.attnum)
         from pg_attribute a where a.attrelid = t.oid and a.attnum > 0 and not a.attisdropped) as signature,
       (select array_agg(a.attname::text order by k.ord) from pg_constraint pk
          cross join unnest(pk.conkey) with ordinality k(attnum, ord)
          join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum
         where pk.conrelid = t.oid and pk.contype = 'p') as key,
       (select array_agg(distinct r.relname::text) from pg_constraint fk join t r on r.oid = fk.confrelid
         where fk.conrelid = t.oid and fk.contype = 'f' and fk.confrelid <> t.oid) as depends_on
     from t order by t.relname`,
    [FREEZE_TABLE],
  );
  const tables = rows.map((r) => ({
    name: r.name,
    columns: r.columns,
    signature: r.signature,
    key: r.key ?? r.columns,
    dependsOn: r.depends_on ?? [],
  }));
  return orderByDependencies(tables);
}

/** Parents before children; alphabetical among equals, so both sides agree on one order. */
export function orderByDependencies<T extends { name: string; dependsOn: string[] }>(tables: T[]): T[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: T[] = [];
  const visit = (t: T) => {
    if (done.has(t.name)) return;
    if (visiting.has(t.name)) throw new Error(`Foreign keys form a cycle through table ${t.name}.`);
    visiting.add(t.name);
    for (const d of [...t.dependsOn].sort()) {
      if (d === t.name) continue; // a self-reference is checked at the end of one COPY
      const dep = byName.get(d);
      if (dep) visit(dep);
    }
    visiting.delete(t.name);
    done.add(t.name);
    out.push(t);
  };
  for (const t of [...tables].sort((a, b) => a.name.localeCompare(b.name))) visit(t);
  return out;
}

/** Differences between two regions' tenant tables that would make a copy wrong; [] when none. */
export function schemaDifferences(source: TenantTable[], target: TenantTable[]): string[] {
  const out: string[] = [];
  const tgt = new Map(target.map((t) => [t.name, t]));
  for (const s of source) {
    const t = tgt.get(s.name);
    if (!t) out.push(`table ${s.name} is missing in the target`);
    else if (s.signature.join(',') !== t.signature.join(','))
      out.push(
        `table ${s.name} has columns (${s.signature.join(', ')}) here and (${t.signature.join(', ')}) there`,
      );
  }
  for (const t of target)
    if (!source.some((s) => s.name === t.name)) out.push(`table ${t.name} is missing in the source`);
  return out;
}
