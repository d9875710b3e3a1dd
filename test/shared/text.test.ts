import { describe, it, expect } from 'vitest';
import { cleanLine, foldForSearch, nfc, searchTokens } from '../../shared/domain/text';

describe('text folding', () => {
  it('folds case, diacritics and đ', () => {
    expect(foldForSearch('Đặng Thị Hồng')).toBe('dang thi hong');
    expect(foldForSearch('  NGUYỄN   văn   Đức ')).toBe('nguyen van duc');
  });

  it('NFC and NFD inputs fold and clean to the same text', () => {
    const composed = 'Đặng Thị Hồng'.normalize('NFC');
    const decomposed = 'Đặng Thị Hồng'.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    expect(foldForSearch(decomposed)).toBe(foldForSearch(composed));
    expect(nfc(decomposed)).toBe(composed);
    expect(cleanLine(`  ${decomposed}\u0007  `)).toBe(composed);
  });

  it('quotes and operators drop out of search tokens', () => {
    expect(searchTokens('"Đặng Thị" OR -Hồng* (phường 1)')).toEqual(['dang', 'thi', 'or', 'hong', 'phuong', '1']);
    expect(searchTokens('\'"*:^()')).toEqual([]);
  });
});
