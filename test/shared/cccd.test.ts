import { describe, it, expect } from 'vitest';
import { checkCccd } from '../../shared/domain/cccd';

describe('checkCccd', () => {
  it('accepts valid numbers and decodes them', () => {
    expect(checkCccd('001090123456')).toEqual({
      ok: true,
      info: { provinceCode: '001', provinceName: 'Hà Nội', sex: 'male', birthYear: 1990 },
    });
    expect(checkCccd('079305001234')).toEqual({
      ok: true,
      info: { provinceCode: '079', provinceName: 'TP. Hồ Chí Minh', sex: 'female', birthYear: 2005 },
    });
    expect(checkCccd(' 096185000001 ', '1985-03-02').ok).toBe(true);
  });

  it('rejects unknown province codes', () => {
    for (const id of ['000090123456', '003090123456']) {
      const r = checkCccd(id);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toContain('Mã tỉnh');
    }
  });

  it('rejects anything but 12 digits', () => {
    expect(checkCccd('00109012345').ok).toBe(false); // 11 digits
    expect(checkCccd('0010901234567').ok).toBe(false); // 13 digits
    expect(checkCccd('00109012345A').ok).toBe(false);
    expect(checkCccd('').ok).toBe(false);
  });

  it('rejects a birth date whose year does not match', () => {
    const r = checkCccd('001090123456', '1991-01-01');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('1991');
  });

  it('rejects a birth year in the future', () => {
    // G = 2 (2000s), YY = 99 → 2099.
    const r = checkCccd('001299123456');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('2099');
  });
});
