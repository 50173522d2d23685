import { describe, expect, it } from 'vitest';
import {
  ADEQUACY_AS_OF,
  ADEQUACY_DECISIONS,
  adequacyDecision,
  transferStatus,
} from '../../src/domain/adequacy/index.js';

describe('transferStatus', () => {
  it.each([
    ['DE', 'eea'],
    ['IE', 'eea'],
    ['NO', 'eea'],
    ['IS', 'eea'],
    ['LI', 'eea'],
    ['fr', 'eea'],
    ['GB', 'adequate'],
    ['CH', 'adequate'],
    ['JP', 'adequate'],
    ['KR', 'adequate'],
    ['IL', 'adequate'],
    ['NZ', 'adequate'],
    ['UY', 'adequate'],
    ['AR', 'adequate'],
    ['AD', 'adequate'],
    ['FO', 'adequate'],
    ['GG', 'adequate'],
    ['JE', 'adequate'],
    ['IM', 'adequate'],
    ['US', 'adequate_partial'],
    ['CA', 'adequate_partial'],
    ['IN', 'third_country'],
    ['CN', 'third_country'],
    ['AU', 'third_country'],
    ['SG', 'third_country'],
    ['', 'unknown'],
    ['USA', 'unknown'],
    ['1', 'unknown'],
    ['\u0000', 'unknown'],
  ] as const)('%s -> %s', (code, status) => {
    expect(transferStatus(code)).toBe(status);
  });

  it('every decision has a unique ISO code, a reference and a note; the date is set', () => {
    const codes = ADEQUACY_DECISIONS.map((d) => d.country);
    expect(new Set(codes).size).toBe(codes.length);
    for (const d of ADEQUACY_DECISIONS) {
      expect(d.country).toMatch(/^[A-Z]{2}$/);
      expect(d.decision.length).toBeGreaterThan(0);
      expect(d.note.length).toBeGreaterThan(0);
    }
    expect(ADEQUACY_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(adequacyDecision('us')?.decision).toBe('(EU) 2023/1795');
  });
});
