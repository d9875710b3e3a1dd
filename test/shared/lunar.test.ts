import { describe, it, expect } from 'vitest';
import { lunarToSolar, solarToLunar } from '../../shared/domain/calendar/lunar';

// Expected values are hand-checked literals (published Vietnamese calendars), not computed.
describe('lunar calendar (UTC+7)', () => {
  it('Tết (mùng 1 tháng Giêng)', () => {
    expect(lunarToSolar(1, 1, 2026)).toEqual({ day: 17, month: 2, year: 2026 });
    expect(lunarToSolar(1, 1, 2027)).toEqual({ day: 6, month: 2, year: 2027 });
    expect(lunarToSolar(1, 1, 2028)).toEqual({ day: 26, month: 1, year: 2028 });
    expect(lunarToSolar(1, 1, 2025)).toEqual({ day: 29, month: 1, year: 2025 });
    expect(lunarToSolar(1, 1, 2020)).toEqual({ day: 25, month: 1, year: 2020 });
  });

  it('uses Vietnam time, not China time: Tết 2007 is 17/02/2007 (18/02 in China)', () => {
    expect(lunarToSolar(1, 1, 2007)).toEqual({ day: 17, month: 2, year: 2007 });
    expect(solarToLunar(17, 2, 2007)).toEqual({ day: 1, month: 1, year: 2007, leap: false });
    expect(solarToLunar(18, 2, 2007)).toEqual({ day: 2, month: 1, year: 2007, leap: false });
    // The day before Tết is the last day of the old year.
    expect(solarToLunar(16, 2, 2007)).toEqual({ day: 29, month: 12, year: 2006, leap: false });
  });

  it('Giỗ Tổ Hùng Vương (10/3 lunar), both ways', () => {
    const cases: Array<[number, { day: number; month: number; year: number }]> = [
      [2020, { day: 2, month: 4, year: 2020 }],
      [2023, { day: 29, month: 4, year: 2023 }],
      [2025, { day: 7, month: 4, year: 2025 }],
      [2026, { day: 26, month: 4, year: 2026 }],
      [2027, { day: 16, month: 4, year: 2027 }],
      [2028, { day: 4, month: 4, year: 2028 }],
    ];
    for (const [y, solar] of cases) {
      expect(lunarToSolar(10, 3, y)).toEqual(solar);
      expect(solarToLunar(solar.day, solar.month, solar.year)).toEqual({ day: 10, month: 3, year: y, leap: false });
    }
  });

  it('leap months', () => {
    // 2023 Quý Mão has a leap 2nd month starting 22/03/2023; 2025 Ất Tỵ a leap 6th month from 25/07/2025.
    expect(lunarToSolar(1, 2, 2023, true)).toEqual({ day: 22, month: 3, year: 2023 });
    expect(solarToLunar(22, 3, 2023)).toEqual({ day: 1, month: 2, year: 2023, leap: true });
    expect(lunarToSolar(1, 6, 2025, true)).toEqual({ day: 25, month: 7, year: 2025 });
    expect(solarToLunar(24, 7, 2025)).toEqual({ day: 30, month: 6, year: 2025, leap: false });
    expect(() => lunarToSolar(1, 3, 2026, true)).toThrow(RangeError);
    expect(() => lunarToSolar(1, 3, 2025, true)).toThrow(RangeError);
  });

  it('months that end across the solar new year', () => {
    // 01/01/2026 is 13 tháng Một (11) of Ất Tỵ.
    expect(solarToLunar(1, 1, 2026)).toEqual({ day: 13, month: 11, year: 2025, leap: false });
    expect(lunarToSolar(13, 11, 2025)).toEqual({ day: 1, month: 1, year: 2026 });
  });

  it('round-trips every day 1900–2199 sampled every 7 days', () => {
    let d = Date.UTC(1900, 0, 31);
    const end = Date.UTC(2199, 11, 1);
    while (d < end) {
      const x = new Date(d);
      const s = { day: x.getUTCDate(), month: x.getUTCMonth() + 1, year: x.getUTCFullYear() };
      const l = solarToLunar(s.day, s.month, s.year);
      expect(lunarToSolar(l.day, l.month, l.year, l.leap)).toEqual(s);
      d += 7 * 86_400_000;
    }
  });

  it('rejects dates that do not exist', () => {
    // Tháng Chạp Ất Tỵ (12/2025) has 29 days: Tết 2026 is 17/02 and 16/02 is 29 tháng Chạp.
    expect(() => lunarToSolar(30, 12, 2025)).toThrow(RangeError);
    expect(() => lunarToSolar(0, 1, 2026)).toThrow(RangeError);
    expect(() => lunarToSolar(1, 13, 2026)).toThrow(RangeError);
  });
});
