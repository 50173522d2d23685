/**
 * Characters no stored or published text may hold: what XML 1.0 forbids (C0 controls except
 * tab, LF and CR; lone surrogates; U+FFFE and U+FFFF). PostgreSQL refuses U+0000 in text and
 * jsonb and lone surrogates in jsonb, and a spreadsheet, feed or page that carries any of them
 * is corrupt. One definition for the three places that care: the API refuses them (400, see
 * `text()` in http/common-schemas.ts), the importer strips them, and every writer of an export
 * replaces them in old data.
 */
const UNSAFE = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'gu');
/** vertical tab and form feed separate words: they become a space, not nothing */
const SPACING = /[\v\f]/g;

export interface UnsafeChar {
  codePoint: number;
  /** 1-based, counted in characters (code points) as a person counts them */
  position: number;
}

export const hasUnsafeChars = (s: string): boolean => UNSAFE.test(s);

export const countUnsafeChars = (s: string): number =>
  UNSAFE.test(s) ? (s.match(UNSAFE_ALL)?.length ?? 0) : 0;

/** The first unsafe character of `s`, or null. */
export function findUnsafeChar(s: string): UnsafeChar | null {
  const m = UNSAFE.exec(s);
  if (!m) return null;
  let position = 1;
  for (const _ of s.slice(0, m.index)) position++;
  return { codePoint: m[0].codePointAt(0) ?? 0, position };
}

const C0_NAMES = (
  'NUL SOH STX ETX EOT ENQ ACK BEL BS TAB LF VT FF CR SO SI ' +
  'DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM SUB ESC FS GS RS US'
).split(' ');

/** "U+0000 (NUL, a control character)", "U+FFFF (a noncharacter)", "U+D800 (a lone surrogate)". */
export function describeChar(codePoint: number): string {
  const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  if (codePoint < 0x20) return `${hex} (${C0_NAMES[codePoint]}, a control character)`;
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return `${hex} (a lone surrogate, half of a broken pair)`;
  return `${hex} (a noncharacter)`;
}

/** Removes unsafe characters (vertical tab and form feed become a space): the importer's rule. */
export function stripUnsafeChars(s: string): string {
  return UNSAFE.test(s) ? s.replace(SPACING, ' ').replace(UNSAFE_ALL, '') : s;
}

/**
 * Replaces unsafe characters with U+FFFD, the replacement character (vertical tab and form feed
 * with a space): the writers' rule, so that old data yields valid files and nobody's words are
 * silently glued together.
 */
export function replaceUnsafeChars(s: string): string {
  return UNSAFE.test(s) ? s.replace(SPACING, ' ').replace(UNSAFE_ALL, '\ufffd') : s;
}

/** JSON.stringify replacer that applies `replaceUnsafeChars` to every string. */
export const safeJsonStrings = (_key: string, value: unknown): unknown =>
  typeof value === 'string' ? replaceUnsafeChars(value) : value;
