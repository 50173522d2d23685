import { describe, expect, it } from 'vitest';
import { cleanBlocks } from '../src/features/imports/clean-blocks.js';
import type { Block } from '../src/features/imports/model.js';
import { serializeError, summariseError } from '../src/platform/error-summary.js';
import { AppError } from '../src/platform/errors.js';
import {
  countUnsafeChars,
  describeChar,
  findUnsafeChar,
  replaceUnsafeChars,
  stripUnsafeChars,
} from '../src/platform/unsafe-chars.js';

describe('unsafe characters', () => {
  it('are exactly what XML 1.0 forbids: C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF', () => {
    for (const c of [
      '\u0000',
      '\u0001',
      '\u0008',
      '\u000b',
      '\u000c',
      '\u001f',
      '\ud800',
      '\udfff',
      '\ufffe',
      '\uffff',
    ])
      expect(findUnsafeChar(`a${c}b`), c.codePointAt(0)?.toString(16)).toEqual({
        codePoint: c.codePointAt(0),
        position: 2,
      });
    for (const ok of [
      '\t',
      '\n',
      '\r',
      ' ',
      '\u007f',
      '\u0085',
      '\ufffd',
      '😀',
      'Łódź',
      '\ud83d\ude00',
      '\u{10ffff}',
    ])
      expect(findUnsafeChar(`a${ok}b`), ok).toBeNull();
  });

  it('positions count characters as a person does (an emoji is one)', () => {
    expect(findUnsafeChar('😀😀x\uffff')).toEqual({ codePoint: 0xffff, position: 4 });
    expect(describeChar(0)).toBe('U+0000 (NUL, a control character)');
    expect(describeChar(0x1b)).toBe('U+001B (ESC, a control character)');
    expect(describeChar(0xffff)).toBe('U+FFFF (a noncharacter)');
    expect(describeChar(0xdc00)).toBe('U+DC00 (a lone surrogate, half of a broken pair)');
  });

  it('are stripped by the importer (vertical tab and form feed become a space) and replaced by writers', () => {
    expect(stripUnsafeChars('Acme\u0000 Ltd\u000bGroup\uffff')).toBe('Acme Ltd Group');
    expect(replaceUnsafeChars('Acme\u0000 Ltd\u000cX\ud800')).toBe('Acme\ufffd Ltd X\ufffd');
    expect(countUnsafeChars('a\u0000b\u0001\uffff')).toBe(3);
    const clean = 'nothing to do 😀';
    expect(stripUnsafeChars(clean)).toBe(clean);
  });
});

describe('cleanBlocks', () => {
  it('cleans every text of every block and says how many and where the first was', () => {
    const blocks: Block[] = [
      { kind: 'heading', text: 'Sub-processors', level: 1, pos: { sheet: 'List', line: 1 } },
      {
        kind: 'table',
        fragile: false,
        pos: { sheet: 'List', line: 2 },
        rows: [
          { cells: ['Name', 'Purpose'], pos: { sheet: 'List', line: 2 } },
          { cells: ['Acme\u0000 Ltd', 'Hosting\uffff'], pos: { sheet: 'List', line: 7 } },
        ],
      },
      { kind: 'paragraph', text: 'Note\u0001', pos: { page: 3 } },
    ];
    const { blocks: out, warning } = cleanBlocks(blocks);
    expect(JSON.stringify(out)).not.toMatch(/\\u0000|\\u0001|\uffff/);
    expect(out[1]).toMatchObject({ rows: [{}, { cells: ['Acme Ltd', 'Hosting'] }] });
    expect(warning).toBe(
      'Removed 3 characters that cannot be stored or published (the first: U+0000 (NUL, a control character) at sheet "List", line 7). Check the records read from there; the uploaded file is kept unchanged.',
    );
  });

  it('changes nothing and warns of nothing in a clean document', () => {
    const blocks: Block[] = [{ kind: 'item', text: 'Acme Ltd – Hosting – Germany', pos: { line: 4 } }];
    expect(cleanBlocks(blocks)).toEqual({ blocks, warning: null });
  });
});

describe('errors in logs and on the terminal', () => {
  const driverError = () => {
    const cause = Object.assign(new Error('unsupported Unicode escape sequence'), {
      code: '22P05',
      severity: 'ERROR',
      detail: '\\u0000 cannot be converted to text.',
      where: `JSON data, line 1: {"legalName":"${'secret '.repeat(10_000)}`,
      routine: 'json_lex_string',
    });
    return Object.assign(
      new Error(`Failed query: insert into "imports" values ($1, $2)\nparams: ${'secret '.repeat(100_000)}`),
      {
        query: 'insert into "imports" values ($1, $2)',
        params: ['secret '.repeat(100_000), Buffer.alloc(1000)],
        cause,
      },
    );
  };

  it('a driver error is logged with sizes and hashes of its parameters, never their bytes', () => {
    const line = JSON.stringify(serializeError(driverError()));
    expect(line.length).toBeLessThan(3000);
    expect(line).not.toContain('secret');
    const s = JSON.parse(line);
    expect(s.message).toBe('Failed query');
    expect(s.query).toBe('insert into "imports" values ($1, $2)');
    expect(s.params.values).toEqual([
      expect.stringMatching(/^string\(700000\) sha256:[0-9a-f]{12}$/),
      expect.stringMatching(/^bytes\(1000\) sha256:/),
    ]);
    expect(s.cause).toMatchObject({ code: '22P05', where: 'JSON data, line 1', routine: 'json_lex_string' });
    expect(s.stack).not.toContain('Failed query');
  });

  it('the CLI says what the database refused in one line, without SQL', () => {
    const { code, message } = summariseError(driverError());
    expect(code).toBe('DATABASE_ERROR');
    expect(message).toBe(
      'The database refused the operation (SQLSTATE 22P05: unsupported Unicode escape sequence).',
    );
    expect(summariseError(new AppError(404, 'LIST_NOT_FOUND', 'No list.'))).toEqual({
      code: 'LIST_NOT_FOUND',
      message: 'No list.',
    });
    expect(summariseError(Object.assign(new Error('dup'), { code: '23505', severity: 'ERROR' })).code).toBe(
      'ALREADY_EXISTS',
    );
  });
});
