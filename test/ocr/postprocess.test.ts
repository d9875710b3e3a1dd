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
    expect(fixDoubledCase('Ứứng')).toBe('Ứng'); // the first letter keeps its recognised case
    expect(fixDoubledCase('Oo')).toBe('Oo'); // plain ASCII letters are left alone
  });

  it('lowers capitals inside a syllable, not inside abbreviations', () => {
    expect(fixInnerCapitals('thuỘc')).toBe('thuộc');
    expect(fixInnerCapitals('MỘt')).toBe('Một');
    expect(fixInnerCapitals('TTg')).toBe('TTg');
    expect(fixInnerCapitals('UBND')).toBe('UBND');
  });

  it('keeps letter case as recognised: names and headings in capitals stay in capitals', () => {
    // Today's rule 4 turned these into title case ("Nguyễn Thị Thu Hương"): 2.9 % CER on dev011.
    expect(postprocess('Họ, chữ đệm, tên người yêu cầu: NGUYỄN THỊ THU HƯƠNG')).toBe('Họ, chữ đệm, tên người yêu cầu: NGUYỄN THỊ THU HƯƠNG');
    expect(postprocess('tên người cha: TRẦN QUỐC TUẤN, năm sinh 1989')).toBe('tên người cha: TRẦN QUỐC TUẤN, năm sinh 1989');
    expect(postprocess('đăng ký kết hôn với bà LÊ THỊ ÁNH tại xã')).toBe('đăng ký kết hôn với bà LÊ THỊ ÁNH tại xã');
    expect(postprocess('SỞ Tư pháp; các BỘ, ngành')).toBe('SỞ Tư pháp; các BỘ, ngành');
    expect(postprocess('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM')).toBe('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(postprocess('UBND tỉnh; Ban Chấp hành Trung Ương.')).toBe('UBND tỉnh; Ban Chấp hành Trung Ương.');
    // A case mix inside one syllable is no written form: mended, the initial kept.
    expect(postprocess('MỘt thuỘc')).toBe('Một thuộc');
  });

  it('keeps numbers, dates, document numbers and proper names as printed', () => {
    const lines = [
      'Căn cước số 042192008731, cấp ngày 14/6/2021',
      'Số định danh cá nhân 038096011452.',
      'Căn cứ Nghị định số 107/2021/NĐ-CP ngày 06/12/2021 của Chính phủ;',
      'Số: 15/2023/QĐ-UBND',
      'sinh ngày 05/11/1996, tại Hà Nội',
      "ông Y Moan Êban, bà H'Hen Niê, ông Ksor Phước, Đắk Lắk, Krông Búk",
      'Phạm Thị Ngọc Ánh, Lê Văn Đức, Nguyễn Văn Ước',
    ];
    for (const l of lines) expect(postprocess(l)).toBe(l);
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
