import { z } from 'zod';
import { badRequest } from '../../platform/errors.js';

export type EntrySort = 'position' | 'legalName' | '-legalName' | 'group';

/** Where a page ended, in the terms of its sort: the sort key of the last entry, and its id. */
export type EntryCursor =
  | { sort: 'position'; position: number; id: string }
  | { sort: 'group'; group: string | null; position: number; id: string }
  | { sort: 'legalName' | '-legalName'; legalName: string; id: string };

const MAX_CURSOR_CHARS = 2_000;
const position = z.number().int().min(-2_147_483_648).max(2_147_483_647);
const id = z.uuid();
const wire = z.discriminatedUnion('s', [
  z.strictObject({ s: z.literal('position'), k: z.tuple([position]), i: id }),
  z.strictObject({ s: z.literal('group'), k: z.tuple([z.string().max(1_000).nullable(), position]), i: id }),
  z.strictObject({ s: z.enum(['legalName', '-legalName']), k: z.tuple([z.string().max(1_000)]), i: id }),
]);

/** The opaque `next` of a page: base64url of the sort key and id (not secret, only validated). */
export function encodeCursor(c: EntryCursor): string {
  const k = c.sort === 'position' ? [c.position] : c.sort === 'group' ? [c.group, c.position] : [c.legalName];
  return Buffer.from(JSON.stringify({ s: c.sort, k, i: c.id })).toString('base64url');
}

const invalid = () =>
  badRequest(
    'CURSOR_INVALID',
    'cursor is not one this API gave out (it may have been cut or changed). Pass the `next` value of the previous page exactly as received, or leave cursor out to start from the first page.',
  );

/** A cursor from a query string, checked; a tampered or foreign one is a 400 that says so. */
export function decodeCursor(raw: string, sort: EntrySort): EntryCursor {
  if (raw.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(raw)) throw invalid();
  let parsed: z.infer<typeof wire>;
  try {
    parsed = wire.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
  } catch {
    throw invalid();
  }
  if (parsed.s !== sort)
    throw badRequest(
      'CURSOR_SORT_MISMATCH',
      `This cursor continues a listing sorted by ${parsed.s}, but this request asks for sort=${sort}. Send the same sort (and filters) as the request whose \`next\` you are following.`,
    );
  if (parsed.s === 'position') return { sort: 'position', position: parsed.k[0], id: parsed.i };
  if (parsed.s === 'group') return { sort: 'group', group: parsed.k[0], position: parsed.k[1], id: parsed.i };
  return { sort: parsed.s, legalName: parsed.k[0], id: parsed.i };
}
