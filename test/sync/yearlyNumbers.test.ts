// Yearly running numbers per device slot (PROTOCOL.md §7): Mẫu 02 numbers and the Sổ theo dõi
// số thứ tự never collide between the PCs of a unit, and the hub's check accepts exactly a
// device's own range.
import { describe, expect, it } from 'vitest';
import { MAX_SLOT, YEARLY_SLOT_SIZE, checkGuidanceNumberForSlot, slotOfYearlyNumber, yearlyNumberForSlot, type YearlyNumberKind } from '../../shared/sync/protocol';
import { vnTime } from '../../shared/domain/vnTime';

const KINDS: YearlyNumberKind[] = ['guidance', 'register'];

describe('yearlyNumberForSlot', () => {
  it('puts the slot in front of the running count: 10012/HDHS is PC 1’s 12th slip', () => {
    expect(yearlyNumberForSlot('guidance', 1, 12)).toBe(10_012);
    expect(yearlyNumberForSlot('guidance', 2, 3)).toBe(20_003);
    expect(yearlyNumberForSlot('guidance', 9, 9_999)).toBe(99_999);
    expect(yearlyNumberForSlot('register', 1, 57)).toBe(100_057);
    expect(yearlyNumberForSlot('register', 9, 99_999)).toBe(999_999);
  });

  it('never gives two (slot, n) pairs the same number, and slotOf gives the slot back', () => {
    for (const kind of KINDS) {
      const size = YEARLY_SLOT_SIZE[kind];
      const seen = new Set<number>();
      for (let slot = 1; slot <= MAX_SLOT; slot++) {
        for (const n of [1, 2, 3, size / 2, size - 2, size - 1]) {
          const num = yearlyNumberForSlot(kind, slot, n);
          expect(seen.has(num)).toBe(false);
          seen.add(num);
          expect(slotOfYearlyNumber(kind, num)).toBe(slot);
        }
      }
      expect(seen.size).toBe(MAX_SLOT * 6);
    }
  });

  it('refuses the number past the yearly limit and invalid slots with a Vietnamese message', () => {
    expect(() => yearlyNumberForSlot('guidance', 1, 10_000)).toThrow(/đã cấp đủ 9999 phiếu hướng dẫn \(Mẫu 02\) trong năm/);
    expect(() => yearlyNumberForSlot('register', 1, 100_000)).toThrow(/đã cấp đủ 99999 số thứ tự Sổ theo dõi/);
    expect(() => yearlyNumberForSlot('guidance', 1, 0)).toThrow(RangeError);
    expect(() => yearlyNumberForSlot('guidance', 1, 1.5)).toThrow(RangeError);
    expect(() => yearlyNumberForSlot('guidance', 10, 1)).toThrow(/Ô số thứ tự của máy phải từ 0 đến 9/);
    expect(() => yearlyNumberForSlot('guidance', -1, 1)).toThrow(RangeError);
  });

  it('numbers of the old per-unit counter (1…9999) are slot 0’s, never a device’s', () => {
    expect(slotOfYearlyNumber('guidance', 12)).toBe(0);
    expect(slotOfYearlyNumber('guidance', 9_999)).toBe(0);
    expect(slotOfYearlyNumber('register', 512)).toBe(0);
    for (const bad of [0, -5, 10_000, 20_000, 100_000, 1.5, Number.NaN]) expect(slotOfYearlyNumber('guidance', bad)).toBeNull();
    expect(slotOfYearlyNumber('register', 200_000)).toBeNull();
    expect(slotOfYearlyNumber('register', 1_000_001)).toBeNull();
  });
});

describe('checkGuidanceNumberForSlot', () => {
  const at = vnTime(2026, 3, 9, 14, 5);
  it('accepts a number of the device’s own range and year', () => {
    expect(checkGuidanceNumberForSlot({ number: 20_001, year: 2026, issuedAt: at }, 2)).toBeNull();
    expect(checkGuidanceNumberForSlot({ number: 29_999, year: 2026, issuedAt: at }, 2)).toBeNull();
  });
  it('refuses another slot’s number, an old per-unit number, and a year that is not the issue date’s', () => {
    expect(checkGuidanceNumberForSlot({ number: 10_001, year: 2026, issuedAt: at }, 2)).toMatch(/nằm ngoài dải số của máy \(ô 2: 20001–29999\)/);
    expect(checkGuidanceNumberForSlot({ number: 12, year: 2026, issuedAt: at }, 1)).toMatch(/ngoài dải số/);
    expect(checkGuidanceNumberForSlot({ number: 20_000, year: 2026, issuedAt: at }, 2)).toMatch(/ngoài dải số/);
    expect(checkGuidanceNumberForSlot({ number: 20_001, year: 2025, issuedAt: at }, 2)).toMatch(/năm khác với ngày lập phiếu/);
    // 31/12 23:30 in Vietnam is still the old year, although it is 16:30 UTC the same day.
    expect(checkGuidanceNumberForSlot({ number: 20_001, year: 2026, issuedAt: vnTime(2026, 12, 31, 23, 30) }, 2)).toBeNull();
    expect(checkGuidanceNumberForSlot({ number: 20_001, year: 2026, issuedAt: vnTime(2027, 1, 1, 0, 30) }, 2)).toMatch(/năm khác/);
  });
});
