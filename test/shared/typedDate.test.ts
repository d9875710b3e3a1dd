// Dates as people type them (issue 12 item 4): every spelling read the same way.
import { describe, expect, it } from 'vitest';
import { normalizeTypedDate, typedDateToIso } from '../../shared/domain/typedDate';

const NOW = Date.UTC(2026, 11, 4, 3, 0); // 04/12/2026 in Vietnam

describe('typedDateToIso', () => {
  it('reads the usual spellings of 12 March 1995', () => {
    for (const s of ['12/03/1995', '12031995', '12-03-1995', '12.03.1995', '12/03/95', '12 03 1995', '12/3/1995', ' 120395 ']) {
      expect(typedDateToIso(s, NOW, 'past'), s).toBe('1995-03-12');
    }
  });

  it('gives a birth date the latest century not after today, other dates the nearest', () => {
    expect(typedDateToIso('01/01/26', NOW, 'past')).toBe('2026-01-01');
    expect(typedDateToIso('01/01/27', NOW, 'past')).toBe('1927-01-01');
    expect(typedDateToIso('010108', NOW, 'past')).toBe('2008-01-01');
    expect(typedDateToIso('01/01/27', NOW, 'near')).toBe('2027-01-01');
    expect(typedDateToIso('01/01/90', NOW, 'near')).toBe('1990-01-01');
    expect(typedDateToIso('01/01/70', NOW, 'near')).toBe('2070-01-01');
    expect(typedDateToIso('01/01/80', NOW, 'near')).toBe('1980-01-01');
  });

  it('refuses what is no real date', () => {
    for (const s of ['', '31/02/1995', '1995-03-12', '12/13/1995', '1203199', '12/03/995', 'abc', '12/03']) {
      expect(typedDateToIso(s, NOW, 'past'), s).toBeNull();
    }
  });

  it('shows a date back as dd/mm/yyyy and leaves anything else as typed', () => {
    expect(normalizeTypedDate('12031995', NOW, 'past')).toBe('12/03/1995');
    expect(normalizeTypedDate('31/02/1995', NOW, 'past')).toBe('31/02/1995');
  });
});
