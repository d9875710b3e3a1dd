import { describe, expect, it } from 'vitest';
import { BUILTIN_CATALOGUE, validateCatalogue } from '../../shared/data/catalogue';
import raw from '../../shared/data/catalogue/catalogue-2025-07.json';
import { procedureSchema } from '../../shared/ipc/contract';

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('built-in catalogue', () => {
  it('validates, with its header', () => {
    expect(() => validateCatalogue(raw)).not.toThrow();
    expect(BUILTIN_CATALOGUE.id).toBe('builtin-2025.07');
    expect(BUILTIN_CATALOGUE.version).toBe(3);
    expect(BUILTIN_CATALOGUE.effectiveFrom).toBe('2025-07-01');
    expect(BUILTIN_CATALOGUE.legalBasis.length).toBeGreaterThan(0);
    expect(BUILTIN_CATALOGUE.source.length).toBeGreaterThan(0);
  });

  it('has at least 18 procedures with unique codes, each passing procedureSchema', () => {
    const ps = BUILTIN_CATALOGUE.procedures;
    expect(ps.length).toBeGreaterThanOrEqual(18);
    expect(new Set(ps.map((p) => p.code)).size).toBe(ps.length);
    for (const p of ps) expect(procedureSchema.safeParse(p).success, p.code).toBe(true);
  });

  it('includes 1.001193 Đăng ký khai sinh, same day with the 15:00 cut-off', () => {
    const ks = BUILTIN_CATALOGUE.procedures.find((p) => p.code === '1.001193');
    expect(ks?.name).toBe('Đăng ký khai sinh');
    expect(ks?.processing).toEqual({ kind: 'sameDay', cutoffMinutes: 900 });
  });

  it('includes the codes listed in DOMAIN.md §8', () => {
    const codes = new Set(BUILTIN_CATALOGUE.procedures.map((p) => p.code));
    for (const c of ['1.001193', '1.000894', '1.000656', '1.004873', '2.000635', '2.000815', '2.000884', '2.001019', '1.004884', '1.004746', '1.001022', '1.000419']) {
      expect(codes.has(c), c).toBe(true);
    }
  });

  it('every procedure: ≥1 required component, unique slug ids, source and active, sensible time', () => {
    for (const p of BUILTIN_CATALOGUE.procedures) {
      expect(
        p.components.some((c) => c.required),
        p.code,
      ).toBe(true);
      expect(new Set(p.components.map((c) => c.id)).size, p.code).toBe(p.components.length);
      for (const c of p.components) {
        expect(c.id, p.code).toMatch(/^[a-z0-9-]{2,20}$/);
        expect(c.original + c.certified + c.photocopy, `${p.code}/${c.id}`).toBeGreaterThan(0);
      }
      expect(p.source.length, p.code).toBeGreaterThan(0);
      expect(p.legalBasis.length, p.code).toBeGreaterThan(0);
      expect(p.active).toBe(true);
      if (p.processing.kind === 'workingHours') expect(p.processing.hours % 8, p.code).toBe(0);
      if (p.processing.kind === 'sameDay') expect(p.processing.cutoffMinutes).toBe(900);
      // Local codes must say so in the source.
      if (p.code.startsWith('XA.')) expect(p.source, p.code).toContain('Mã địa phương');
    }
  });

  it('hộ tịch fees say they are set by the HĐND and are examples', () => {
    for (const p of BUILTIN_CATALOGUE.procedures.filter((x) => x.fieldName === 'Hộ tịch' && x.fee.amount > 0)) {
      expect(p.fee.description, p.code).toMatch(/HĐND/);
      expect(p.fee.description, p.code).toMatch(/ví dụ/);
    }
  });

  it('all text is NFC', () => {
    const s = JSON.stringify(raw);
    expect(s).toBe(s.normalize('NFC'));
  });
});

describe('validateCatalogue errors', () => {
  it('names the bad procedure in Vietnamese', () => {
    const bad = clone(raw) as { procedures: { processing: unknown }[] };
    bad.procedures[2].processing = { kind: 'sameDay', cutoffMinutes: 5000 };
    expect(() => validateCatalogue(bad)).toThrow(/thủ tục thứ 3 \(mã 1\.000656, "Đăng ký khai tử"\)/);
  });

  it('rejects duplicate codes and duplicate component ids', () => {
    const dup = clone(raw) as { procedures: { code: string; components: { id: string }[] }[] };
    dup.procedures[1].code = dup.procedures[0].code;
    expect(() => validateCatalogue(dup)).toThrow(/mã thủ tục trùng/);
    const dupc = clone(raw) as { procedures: { code: string; components: { id: string }[] }[] };
    dupc.procedures[0].components[1].id = dupc.procedures[0].components[0].id;
    expect(() => validateCatalogue(dupc)).toThrow(/bị trùng/);
  });

  it('rejects a bad header', () => {
    expect(() => validateCatalogue(null)).toThrow(/Danh mục thủ tục không hợp lệ/);
    expect(() => validateCatalogue({ ...clone(raw), version: 0 })).toThrow(/phiên bản/);
    expect(() => validateCatalogue({ ...clone(raw), effectiveFrom: '01/07/2025' })).toThrow(/ngày hiệu lực/);
    expect(() => validateCatalogue({ ...clone(raw), procedures: [] })).toThrow(/trống/);
  });
});
