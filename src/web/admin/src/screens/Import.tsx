import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Checkbox, DropZone, FileTrigger, Text } from 'react-aria-components';
import { type ImportView, type List, type Session, api, call, uploadImport } from '../../api/client';
import { appPath } from '../router';
import { canEdit } from '../session';
import { ErrorNote, Notice } from '../ui';

type Tenant = Session['tenants'][number];
type Item = NonNullable<ImportView['preview']>['items'][number];

const where = (r: ImportView['records'][number] | undefined) =>
  r?.source
    ? [
        r.source.sheet && `sheet ${r.source.sheet}`,
        r.source.page && `page ${r.source.page}`,
        r.source.line && `line ${r.source.line}`,
      ]
        .filter(Boolean)
        .join(', ')
    : '';

/** Drop a file -> see what it would change -> apply to the draft (never publishes). */
export function ImportTab({ tenant, list }: { tenant: Tenant; list: List }) {
  const qc = useQueryClient();
  const [removeMissing, setRemoveMissing] = useState(false);
  const upload = useMutation({ mutationFn: (file: File) => uploadImport(tenant.slug, list.id, file) });
  const imp = upload.data;
  const apply = useMutation({
    mutationFn: (i: ImportView) =>
      call(
        api.POST('/api/v1/tenants/{tenant}/lists/{listId}/imports/{importId}/apply', {
          params: { path: { tenant: tenant.slug, listId: list.id, importId: i.id } },
          body: removeMissing
            ? {
                removals: (i.preview?.items ?? [])
                  .filter((x) => x.action === 'remove')
                  .map((x) => x.entryId!),
              }
            : {},
        }),
      ),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ['entries', tenant.slug, list.id] });
      qc.invalidateQueries({ queryKey: ['draft', tenant.slug, list.id] });
      qc.invalidateQueries({ queryKey: ['lists', tenant.slug] });
    },
  });
  if (!canEdit(tenant.role))
    return <Notice>Your role ({tenant.role}) can read this list but not import into it.</Notice>;

  const pick = (files: File[]) => {
    const file = files[0];
    if (file) {
      apply.reset();
      upload.mutate(file);
    }
  };
  const byAction = (a: Item['action']) => (imp?.preview?.items ?? []).filter((x) => x.action === a);
  return (
    <section aria-labelledby="import-h">
      <h2 id="import-h">Import a document</h2>
      <DropZone
        className="dropzone"
        aria-label="Drop a document to import"
        onDrop={async (e) => {
          const item = e.items.find((i) => i.kind === 'file');
          if (item && item.kind === 'file') pick([await item.getFile()]);
        }}
      >
        <Text slot="label">
          Drop your sub-processor document here (PDF, Word, Excel, CSV, HTML, Markdown or text, up to 20 MB),
          or
        </Text>{' '}
        <FileTrigger onSelect={(files) => pick(files ? [...files] : [])}>
          <Button className="primary">Choose a file</Button>
        </FileTrigger>
      </DropZone>
      {upload.isPending && <p role="status">Reading the document… large PDFs take a few seconds.</p>}
      <ErrorNote error={upload.error} />
      {imp && (
        <section aria-labelledby="preview-h" className="preview">
          <h3 id="preview-h">
            Preview of {imp.fileName}: {imp.recordCount} records
          </h3>
          {imp.preview && (
            <p className="counts">
              <strong>{imp.preview.counts.add}</strong> to add, <strong>{imp.preview.counts.change}</strong>{' '}
              changed, <strong>{imp.preview.counts.remove}</strong> no longer listed,{' '}
              {imp.preview.counts.unchanged} unchanged
            </p>
          )}
          {imp.warnings.length > 0 && (
            <div className="warnings">
              <h4>Where the importer was unsure</h4>
              <ul>
                {imp.warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            </div>
          )}
          <PreviewGroup title="Added" items={byAction('add')} imp={imp} />
          <PreviewGroup title="Changed" items={byAction('change')} imp={imp} />
          <PreviewGroup title="No longer listed" items={byAction('remove')} imp={imp} />
          {byAction('remove').length > 0 && (
            <Checkbox isSelected={removeMissing} onChange={setRemoveMissing}>
              Also remove the {byAction('remove').length} entries the document no longer lists
            </Checkbox>
          )}
          <ErrorNote error={apply.error} />
          {apply.isSuccess ? (
            <Notice>
              Applied to the draft. Review it in{' '}
              <a href={appPath.list(tenant.slug, list.id, 'entries')}>Entries</a> or go on to{' '}
              <a href={appPath.list(tenant.slug, list.id, 'publish')}>Publish</a>.
            </Notice>
          ) : (
            <Button className="primary" isDisabled={apply.isPending} onPress={() => apply.mutate(imp)}>
              Apply to the draft
            </Button>
          )}
        </section>
      )}
    </section>
  );
}

function PreviewGroup({ title, items, imp }: { title: string; items: Item[]; imp: ImportView }) {
  if (items.length === 0) return null;
  return (
    <details open={items.length <= 50}>
      <summary>
        {title} ({items.length})
      </summary>
      <ul className="preview-list">
        {items.map((x, i) => {
          const r = x.recordIndex !== undefined ? imp.records[x.recordIndex] : undefined;
          return (
            <li key={x.entryId ?? `r${x.recordIndex ?? i}`}>
              <strong>{r?.legalName ?? x.entry?.legalName}</strong>
              {r && (
                <span className="muted">
                  {' '}
                  — {imp.fileName}
                  {where(r) ? `, ${where(r)}` : ''}
                </span>
              )}
              {x.changes && (
                <ul>
                  {x.changes.map((c) => (
                    <li key={c.field}>
                      {c.field}: {show(c.before)} → {show(c.after)}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
    </details>
  );
}

const show = (v: string | string[] | null) => (v === null ? '(empty)' : Array.isArray(v) ? v.join('; ') : v);
