import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  type ColumnDef,
  type Row,
  type Table,
  flexRender,
  getCoreRowModel,
  getFilteredRowModel,
  useReactTable,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useMemo, useRef, useState } from 'react';
import { Button, Form, Input, Label, SearchField } from 'react-aria-components';
import { ApiError, type Entry, type List, type Session, api, call } from '../../api/client';
import { appPath } from '../router';
import { canEdit } from '../session';
import { Empty, ErrorNote, Field, Submit, fieldErrors, formValues } from '../ui';

type Tenant = Session['tenants'][number];
type Kind = NonNullable<Entry['entity']['kind']>;
const PAGE = 200;
const ROW_HEIGHT = 76;
const KINDS: [Kind | '', string][] = [
  ['', 'Not set'],
  ['third_party', 'Third party'],
  ['infrastructure', 'Infrastructure'],
  ['affiliate', 'Affiliate'],
];

/** Every entry of the draft, paged through the API (200 a request). */
async function loadEntries(tenant: string, listId: string): Promise<Entry[]> {
  const all: Entry[] = [];
  let offset: number | null = 0;
  while (offset !== null) {
    const page: { items: Entry[]; nextOffset: number | null } = await call(
      api.GET('/api/v1/tenants/{tenant}/lists/{listId}/entries', {
        params: { path: { tenant, listId }, query: { limit: PAGE, offset } },
      }),
    );
    all.push(...page.items);
    offset = page.nextOffset;
  }
  return all;
}

const splitLocations = (s: string) =>
  s
    .split(/[;\n]/)
    .map((x) => x.trim())
    .filter(Boolean);

export function EntriesTab({ tenant, list }: { tenant: Tenant; list: List }) {
  const qc = useQueryClient();
  const key = ['entries', tenant.slug, list.id];
  const entries = useQuery({ queryKey: key, queryFn: () => loadEntries(tenant.slug, list.id) });
  const [filter, setFilter] = useState('');
  const editable = canEdit(tenant.role);
  const path = { tenant: tenant.slug, listId: list.id };

  const replace = (e: Entry) =>
    qc.setQueryData<Entry[]>(key, (old) => old?.map((x) => (x.id === e.id ? e : x)));
  /** One field of one entry, saved at once; the error goes back to the cell. */
  const saveField = async (
    entry: Entry,
    field: 'legalName' | 'kind' | 'purpose' | 'locations',
    value: string,
  ) => {
    if (field === 'legalName' || field === 'kind') {
      const body = field === 'legalName' ? { legalName: value } : { kind: (value || null) as Kind | null };
      const entity = await call(
        api.PATCH('/api/v1/tenants/{tenant}/entities/{entityId}', {
          params: { path: { tenant: tenant.slug, entityId: entry.entity.id } },
          body,
        }),
      );
      // every entry of this entity shows the new name
      qc.setQueryData<Entry[]>(key, (old) =>
        old?.map((x) => (x.entity.id === entity.id ? { ...x, entity: { ...x.entity, ...body } } : x)),
      );
      return;
    }
    const body = field === 'purpose' ? { purpose: value || null } : { locations: splitLocations(value) };
    replace(
      await call(
        api.PATCH('/api/v1/tenants/{tenant}/lists/{listId}/entries/{entryId}', {
          params: { path: { ...path, entryId: entry.id } },
          body,
        }),
      ),
    );
  };
  const remove = useMutation({
    mutationFn: (entry: Entry) =>
      call(
        api.DELETE('/api/v1/tenants/{tenant}/lists/{listId}/entries/{entryId}', {
          params: { path: { ...path, entryId: entry.id } },
        }),
      ),
    onSuccess: (_r, entry) => qc.setQueryData<Entry[]>(key, (old) => old?.filter((x) => x.id !== entry.id)),
  });

  // the columns stay the same objects (the table re-renders cells, not columns); cells call the latest
  const act = useRef({ saveField, remove: remove.mutate });
  act.current = { saveField, remove: remove.mutate };
  const columns = useMemo<ColumnDef<Entry>[]>(
    () => [
      {
        id: 'legalName',
        header: 'Name',
        accessorFn: (e) => e.entity.legalName,
        cell: ({ row }) => (
          <EditCell
            label={`Name of entry ${row.index + 1}`}
            value={row.original.entity.legalName}
            readOnly={!editable}
            onSave={(v) => act.current.saveField(row.original, 'legalName', v)}
          />
        ),
      },
      {
        id: 'kind',
        header: 'Type',
        accessorFn: (e) => e.entity.kind ?? '',
        cell: ({ row }) => (
          <KindCell
            label={`Type of entry ${row.index + 1}`}
            value={row.original.entity.kind ?? ''}
            readOnly={!editable}
            onSave={(v) => act.current.saveField(row.original, 'kind', v)}
          />
        ),
      },
      {
        id: 'purpose',
        header: 'Purpose',
        accessorFn: (e) => e.purpose ?? '',
        cell: ({ row }) => (
          <EditCell
            label={`Purpose of entry ${row.index + 1}`}
            value={row.original.purpose ?? ''}
            readOnly={!editable}
            onSave={(v) => act.current.saveField(row.original, 'purpose', v)}
          />
        ),
      },
      {
        id: 'locations',
        header: 'Locations',
        accessorFn: (e) => e.locations.map((l) => `${l.written} ${l.countries.join(' ')}`).join(' '),
        cell: ({ row }) => (
          <EditCell
            label={`Locations of entry ${row.index + 1}`}
            value={row.original.locations.map((l) => l.written).join('; ')}
            readOnly={!editable}
            hint={countriesOf(row.original)}
            onSave={(v) => act.current.saveField(row.original, 'locations', v)}
          />
        ),
      },
      ...(editable
        ? [
            {
              id: 'actions',
              header: 'Actions',
              enableGlobalFilter: false,
              cell: ({ row }) => (
                <Button className="quiet" onPress={() => act.current.remove(row.original)}>
                  Remove<span className="sr-only"> {row.original.entity.legalName}</span>
                </Button>
              ),
            } satisfies ColumnDef<Entry>,
          ]
        : []),
    ],
    [editable],
  );

  const table = useReactTable({
    data: entries.data ?? [],
    columns,
    state: { globalFilter: filter },
    onGlobalFilterChange: setFilter,
    globalFilterFn: 'includesString',
    getCoreRowModel: getCoreRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    getRowId: (e) => e.id,
  });
  const rows = table.getRowModel().rows;

  if (entries.isError) return <ErrorNote error={entries.error} />;
  if (!entries.data) return <p aria-busy="true">Loading the entries…</p>;
  return (
    <section aria-labelledby="entries-h">
      <h2 id="entries-h">Entries ({entries.data.length})</h2>
      {entries.data.length === 0 ? (
        <Empty title="The draft has no entries">
          <p>
            <a href={appPath.list(tenant.slug, list.id, 'import')}>Import your current document</a>, or add
            the first sub-processor below.
          </p>
        </Empty>
      ) : (
        <>
          <SearchField value={filter} onChange={setFilter} className="field filter">
            <Label>Filter entries</Label>
            <Input placeholder="name, purpose, country…" />
          </SearchField>
          <p className="muted" role="status">
            {rows.length} of {entries.data.length} shown. Changes are saved when you leave a field.
          </p>
          <ErrorNote error={remove.error} />
          <EntriesGrid table={table} rows={rows} columnCount={columns.length} />
        </>
      )}
      {editable && (
        <AddEntry
          tenant={tenant}
          list={list}
          onAdded={(e) => qc.setQueryData<Entry[]>(key, (o) => [...(o ?? []), e])}
        />
      )}
    </section>
  );
}

/**
 * The scrolling grid, virtualised: its own component, so a scroll step re-renders the grid
 * alone (not the filter, the add form or the rest of the screen), and only the rows coming into
 * view render (EntryRow is memoised).
 */
function EntriesGrid({
  table,
  rows,
  columnCount,
}: {
  table: Table<Entry>;
  rows: Row<Entry>[];
  columnCount: number;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const items = virtual.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = items.length ? virtual.getTotalSize() - items[items.length - 1]!.end : 0;
  return (
    <div className="grid-scroll" ref={scroller} tabIndex={-1}>
      <table className="data grid" aria-rowcount={rows.length + 1}>
        <thead>
          {table.getHeaderGroups().map((g) => (
            <tr key={g.id}>
              {g.headers.map((h) => (
                <th key={h.id} scope="col" className={`col-${h.id}`}>
                  {flexRender(h.column.columnDef.header, h.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {padTop > 0 && (
            <tr className="spacer-row">
              <td style={{ height: padTop }} colSpan={columnCount} />
            </tr>
          )}
          {items.map((v) => {
            const row = rows[v.index]!;
            return <EntryRow key={row.id} row={row} position={v.index} />;
          })}
          {padBottom > 0 && (
            <tr className="spacer-row">
              <td style={{ height: padBottom }} colSpan={columnCount} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

/**
 * One row of the grid. Memoised: while the table scrolls, the rows still in view keep their
 * props (the row model is only rebuilt when the entries or the filter change), so only the rows
 * coming into view render, not every visible row on every scroll step.
 */
const EntryRow = memo(function EntryRow({ row, position }: { row: Row<Entry>; position: number }) {
  return (
    <tr aria-rowindex={position + 2} style={{ height: ROW_HEIGHT }}>
      {row.getVisibleCells().map((c) => (
        <td key={c.id}>{flexRender(c.column.columnDef.cell, c.getContext())}</td>
      ))}
    </tr>
  );
});

const countriesOf = (e: Entry) => {
  const codes = [...new Set(e.locations.flatMap((l) => [...l.countries, ...l.regions]))];
  return codes.length ? `Read as: ${codes.join(', ')}` : e.locations.length ? 'No country recognised' : '';
};

/** A text cell saved when it loses focus (or on Enter); a refusal stays next to it. */
function EditCell(props: {
  label: string;
  value: string;
  readOnly: boolean;
  hint?: string;
  onSave: (v: string) => Promise<void>;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const errorId = useRef(`e${Math.random().toString(36).slice(2)}`).current;
  const commit = async () => {
    if (draft === null || draft === props.value) return setDraft(null);
    setSaving(true);
    try {
      await props.onSave(draft);
      setDraft(null);
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Not saved: try again.');
    } finally {
      setSaving(false);
    }
  };
  return (
    <div className="cell">
      <input
        aria-label={props.label}
        value={draft ?? props.value}
        readOnly={props.readOnly}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        aria-busy={saving || undefined}
        onChange={(e) => setDraft(e.currentTarget.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.currentTarget.blur();
          if (e.key === 'Escape') {
            setDraft(null);
            setError(null);
          }
        }}
      />
      {error ? (
        <span className="cell-error" id={errorId}>
          {error}
        </span>
      ) : props.hint ? (
        <span className="cell-hint">{props.hint}</span>
      ) : null}
    </div>
  );
}

function KindCell(props: {
  label: string;
  value: string;
  readOnly: boolean;
  onSave: (v: string) => Promise<void>;
}) {
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="cell">
      <select
        aria-label={props.label}
        value={props.value}
        disabled={props.readOnly}
        onChange={(e) => {
          const v = e.currentTarget.value;
          props.onSave(v).then(
            () => setError(null),
            (err) => setError(err instanceof ApiError ? err.message : 'Not saved: try again.'),
          );
        }}
      >
        {KINDS.map(([v, label]) => (
          <option key={v} value={v}>
            {label}
          </option>
        ))}
      </select>
      {error && <span className="cell-error">{error}</span>}
    </div>
  );
}

function AddEntry(props: { tenant: Tenant; list: List; onAdded: (e: Entry) => void }) {
  const add = useMutation({
    mutationFn: (v: Record<string, string>) =>
      call(
        api.POST('/api/v1/tenants/{tenant}/lists/{listId}/entries', {
          params: { path: { tenant: props.tenant.slug, listId: props.list.id } },
          body: {
            entity: { legalName: v['entity.legalName'] ?? '' },
            purpose: v.purpose || null,
            locations: splitLocations(v.locations ?? ''),
          },
        }),
      ),
    onSuccess: props.onAdded,
  });
  return (
    <section aria-labelledby="add-entry-h">
      <h3 id="add-entry-h">Add an entry</h3>
      <Form
        validationBehavior="aria"
        className="inline-form"
        validationErrors={fieldErrors(add.error)}
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          add.mutate(formValues(form), { onSuccess: () => form.reset() });
        }}
      >
        <Field label="Legal name" name="entity.legalName" isRequired />
        <Field label="Purpose" name="purpose" />
        <Field label="Locations" name="locations" description="Separate with semicolons, e.g. Germany; USA" />
        <ErrorNote error={add.error} />
        <Submit pending={add.isPending}>Add entry</Submit>
      </Form>
    </section>
  );
}
