import { describe, expect, it } from 'vitest';
import { cer, cerCount, levenshtein, normalizeForCer, pooledCer } from '../../electron/services/ocr/cer';

describe('levenshtein', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(levenshtein('', '')).toBe(0);
    expect(levenshtein('abc', '')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('flaw', 'lawn')).toBe(2);
  });

  it('treats a precomposed Vietnamese letter as one character', () => {
    // "việc" vs "viêc": one lost tone mark = one edit, not two.
    expect(levenshtein('việc', 'viêc')).toBe(1);
    expect(levenshtein('Nguyễn', 'Nguyen')).toBe(1);
  });
});

describe('normalizeForCer', () => {
  it('applies NFC and folds white space runs', () => {
    const decomposed = 'Vie\u0302\u0323t  Nam\n\n\t ha\u0300nh';
    expect(normalizeForCer(decomposed)).toBe('Việt Nam hành');
    expect(normalizeForCer('  a \u00a0 b  ')).toBe('a b');
  });
});

describe('cer', () => {
  it('is the edit distance over the length of the true text', () => {
    expect(cer('Số hồ sơ', 'Số hồ sơ')).toBe(0);
    expect(cer('abcd', 'abed')).toBeCloseTo(0.25);
    // NFD OCR output and different line breaks cost nothing.
    expect(cer('Ủy ban\nnhân dân', 'U\u0309y ban nhân   dân')).toBe(0);
    expect(cer('', '')).toBe(0);
    expect(cer('', 'x')).toBe(1);
  });

  it('pools pages weighted by length', () => {
    const a = cerCount('aaaaaaaaaa', 'aaaaaaaaab'); // 1 / 10
    const b = cerCount('bb', 'cc'); // 2 / 2
    expect(a).toEqual({ errors: 1, length: 10 });
    expect(pooledCer([a, b])).toBeCloseTo(3 / 12);
    expect(pooledCer([])).toBe(0);
  });
});
