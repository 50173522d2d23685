import { replaceUnsafeChars } from '../../platform/unsafe-chars.js';

/**
 * Escaping by construction: `html` escapes every interpolated value unless it is already Html
 * (made by `html` itself or by `raw`, which only constant markup may use). No caller can forget
 * to escape a sub-processor's name.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolation = Html | string | number | boolean | null | undefined | readonly Interpolation[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escaped, and characters HTML and XML forbid (NUL, U+FFFF...; old data may hold them) replaced. */
export function escapeHtml(value: string): string {
  return replaceUnsafeChars(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function render(v: Interpolation): string {
  if (v === null || v === undefined || v === false || v === true) return '';
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** Constant markup only (never user data). */
export const raw = (markup: string) => new Html(markup);

/**
 * User-supplied text, isolated for bidirectional layout: a right-to-left override inside a
 * name cannot reorder the page around it.
 */
export const text = (value: string | null | undefined) => (value ? html`<bdi>${value}</bdi>` : html``);

/** User text, or a dash when there is none (an empty cell reads as missing, not as a bug). */
export const orDash = (value: string | null | undefined) => (value ? text(value) : html`—`);

/**
 * Isolation for places that cannot hold <bdi> (<title>, <option>): Unicode's own isolates
 * (FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE) keep an override inside the value.
 */
export const isolate = (value: string) => `\u2068${value}\u2069`;
