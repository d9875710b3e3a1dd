import { describe, expect, it } from 'vitest';
import { isVietnameseSyllable, placeTone } from '../../electron/services/ocr/syllable';
import { correctLine, fixConfusable, fixDoubledCase, fixInnerCapitals, fixSpacing, fixStopTone, postprocess } from '../../electron/services/ocr/postprocess';

describe('Vietnamese syllable model', () => {
  it('accepts well-formed syllables', () => {
    for (const w of ['người', 'nghiệp', 'quyết', 'quốc', 'giải', 'gì', 'khuyến', 'thuở', 'đường', 'yêu', 'oanh', 'ủy', 'uỷ', 'hóa', 'hoà', 'ĐỘC', 'Việt']) {
      expect(isVietnameseSyllable(w), w).toBe(true);
    }
  });

  it('rejects what the orthography forbids', () => {
    // ngi- (must be nghi-), k before a, gh before a, a stop final with a grave tone,
    // two tone marks, Latin letters that Vietnamese does not use.
    for (const w of ['ngiệp', 'kác', 'ghà', 'tìt', 'viềc', 'hóà', 'wed', 'UBND', 'xyz']) {
      expect(isVietnameseSyllable(w), w).toBe(false);
    }
  });

  it('places a tone on the right vowel', () => {
    expect(placeTone('viêt', 'nang')).toBe('việt');
    expect(placeTone('toan', 'sac')).toBe('toán');
    expect(placeTone('nguyên', 'nga')).toBe('nguyễn');
  });
});

describe('post-correction rules', () => {
  it('drops a letter doubled in two cases', () => {
    expect(fixDoubledCase('sỞở')).toBe('sở');
    expect(fixDoubledCase('Ứứng')).toBe('ứng');
    expect(fixDoubledCase('Oo')).toBe('Oo'); // plain ASCII letters are left alone
  });

  it('lowers capitals inside a syllable, not inside abbreviations', () => {
    expect(fixInnerCapitals('thuỘc')).toBe('thuộc');
    expect(fixInnerCapitals('MỘt')).toBe('Một');
    expect(fixInnerCapitals('TTg')).toBe('TTg');
    expect(fixInnerCapitals('UBND')).toBe('UBND');
  });

  it('title-cases a capitalised syllable among small words only', () => {
    expect(correctLine('các BỘ, ngành')).toBe('các Bộ, ngành');
    expect(correctLine('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM')).toBe('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(correctLine('UBND tỉnh')).toBe('UBND tỉnh');
  });

  it('keeps stop-final syllables on sắc or nặng', () => {
    expect(fixStopTone('viềt')).toBe('viết');
    expect(fixStopTone('việt')).toBe('việt');
  });

  it('fixes a look-alike letter only when one fix makes a syllable', () => {
    expect(fixConfusable('Cbính')).toBe('Chính');
    expect(fixConfusable('chính')).toBe('chính');
    expect(fixConfusable('c')).toBe('c');
  });

  it('fixes spaces around punctuation and normalises to NFC', () => {
    expect(fixSpacing('a , b ; c ( d ) e .')).toBe('a, b; c (d) e.');
    expect(fixSpacing('Lưu ...')).toBe('Lưu ...');
    expect(postprocess('Vie\u0302\u0323t Nam , UBND')).toBe('Việt Nam, UBND');
  });
});
