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

  it('reads a phone or ID number typed in groups as the one number it is stored as', () => {
    for (const q of ['0912 345 678', '0912.345.678', '0912-345-678', '+84 912 345 678']) expect(searchTokens(q), q).toEqual(['0912345678']);
    expect(searchTokens('089 190 012 345')).toEqual(['089190012345']);
    expect(searchTokens('Loan 0912 345 678')).toEqual(['loan', '0912345678']);
    // A code's date and sequence, a procedure code and a short number stay apart.
    expect(searchTokens('250704 0001')).toEqual(['250704', '0001']);
    expect(searchTokens('1.001193')).toEqual(['1', '001193']);
    expect(searchTokens('phường 1 2')).toEqual(['phuong', '1', '2']);
    expect(searchTokens('"')).toEqual([]);
  });
});
