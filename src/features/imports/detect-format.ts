import type { SourceFormat } from './model.js';

/**
 * The format, from the content first (magic bytes, markup) and the file name second: a PDF
 * renamed .txt is still a PDF, and a .csv that is really HTML is read as HTML.
 */
export function detectFormat(bytes: Uint8Array, fileName: string): SourceFormat | 'zip' | 'ole' | 'binary' {
  const ext = fileName.toLowerCase().split('.').pop() ?? '';
  if (startsWith(bytes, '%PDF-')) return 'pdf';
  if (startsWith(bytes, 'PK\u0003\u0004')) {
    const head = latin1(bytes.subarray(0, Math.min(bytes.length, 64 * 1024)));
    if (ext === 'xlsx' || head.includes('xl/')) return 'xlsx';
    if (ext === 'docx' || head.includes('word/')) return 'docx';
    return 'zip';
  }
  if (startsWith(bytes, '\u00d0\u00cf\u0011\u00e0')) return 'ole'; // legacy .doc/.xls, or an encrypted .docx/.xlsx
  if (looksBinary(bytes)) return 'binary';
  const text = new TextDecoder('utf-8').decode(bytes.subarray(0, 4096)).trimStart().toLowerCase();
  if (
    /^(<!doctype html|<html|<\?xml[^>]*>\s*<html)/.test(text) ||
    /<(table|body|div|p|ul|h[1-6])[\s>]/.test(text.slice(0, 2048))
  )
    return ext === 'md' || ext === 'markdown' ? 'markdown' : 'html';
  if (ext === 'csv' || ext === 'tsv') return 'csv';
  if (ext === 'md' || ext === 'markdown') return 'markdown';
  if (ext === 'html' || ext === 'htm') return 'html';
  return 'text';
}

function startsWith(bytes: Uint8Array, magic: string): boolean {
  if (bytes.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic.charCodeAt(i)) return false;
  return true;
}

const latin1 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

/** NUL bytes or many control characters in the first 8 KB: not text. */
function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] ?? 0;
    if (b === 0) return true;
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  return n > 0 && control / n > 0.05;
}
