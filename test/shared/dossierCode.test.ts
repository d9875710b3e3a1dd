import { describe, it, expect } from 'vitest';
import { formatDossierCode, parseDossierCode } from '../../shared/domain/dossierCode';
import { vnTime } from '../../shared/domain/vnTime';

describe('dossier code', () => {
  it('formats {unit}-{yyMMdd}-{NNNN} in Vietnam time', () => {
    expect(formatDossierCode('000.00.13.H12', vnTime(2025, 7, 4, 9, 30), 1)).toBe('000.00.13.H12-250704-0001');
    expect(formatDossierCode('H01.151', vnTime(2026, 11, 22, 16, 0), 9999)).toBe('H01.151-261122-9999');
    // 00:30 on 01/01/2026 in Vietnam is still 31/12/2025 in UTC: the code uses the Vietnam date.
    expect(formatDossierCode('H01.151', vnTime(2026, 1, 1, 0, 30), 12)).toBe('H01.151-260101-0012');
  });

  it('rejects sequence numbers outside 1–9999 and an empty unit', () => {
    expect(() => formatDossierCode('H01.151', vnTime(2026, 1, 1), 10000)).toThrow(RangeError);
    expect(() => formatDossierCode('H01.151', vnTime(2026, 1, 1), 0)).toThrow(RangeError);
    expect(() => formatDossierCode('H01.151', vnTime(2026, 1, 1), 1.5)).toThrow(RangeError);
    expect(() => formatDossierCode(' ', vnTime(2026, 1, 1), 1)).toThrow(RangeError);
  });

  it('parses a code back', () => {
    expect(parseDossierCode('000.00.13.H12-250704-0001')).toEqual({ unitCode: '000.00.13.H12', date: '2025-07-04', seq: 1 });
    expect(parseDossierCode('H01.151-261122-9999')).toEqual({ unitCode: 'H01.151', date: '2026-11-22', seq: 9999 });
    expect(parseDossierCode('H01.151-260230-0001')).toBeNull(); // 30/02
    expect(parseDossierCode('H01.151-261122-001')).toBeNull();
    expect(parseDossierCode('H01.151-261122-12345')).toBeNull(); // portal's random 5-digit form
    expect(parseDossierCode('261122-0001')).toBeNull();
    expect(parseDossierCode('')).toBeNull();
  });
});
