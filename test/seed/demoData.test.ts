import { describe, expect, it } from 'vitest';
import { createDemoGenerator } from '../../electron/services/seed/demoData';
import { BUILTIN_CATALOGUE } from '../../shared/data/catalogue';
import { applicantSchema, receiveSchema } from '../../shared/ipc/contract';
import { checkCccd } from '../../shared/domain/cccd';
import { vnParts, vnTime } from '../../shared/domain/vnTime';

describe('demo generator', () => {
  it('is deterministic: same seed, same output; another seed, other output', () => {
    const a = createDemoGenerator(42);
    const b = createDemoGenerator(42);
    const c = createDemoGenerator(43);
    const proc = BUILTIN_CATALOGUE.procedures[0];
    const start = vnTime(2025, 7, 1, 7, 0);
    const runA = [Array.from({ length: 200 }, () => a.applicant()), a.dossierInput(proc, start), a.receivedTimes(start, 100)];
    const runB = [Array.from({ length: 200 }, () => b.applicant()), b.dossierInput(proc, start), b.receivedTimes(start, 100)];
    expect(runB).toEqual(runA);
    expect(Array.from({ length: 200 }, () => c.applicant())).not.toEqual(runA[0]);
  });

  it('20,000 applicants: pass applicantSchema and checkCccd, NFC, unique IDs, sex matches the ID', () => {
    const g = createDemoGenerator(7);
    const ids = new Set<string>();
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const phone = /^0(3[2-9]|5[2689]|7[06-9]|8[1-9]|9[0-9])\d{7}$/;
    for (let i = 0; i < 20_000; i++) {
      const a = g.applicant();
      const r = applicantSchema.safeParse(a);
      if (!r.success) throw new Error(`${JSON.stringify(a)}: ${r.error.issues[0].message}`);
      const problems: string[] = [];
      if (JSON.stringify(r.data) !== JSON.stringify(a)) problems.push('schema normalised it'); // already clean
      const c = checkCccd(a.idNumber, a.birthDate);
      if (!c.ok) problems.push(c.message);
      for (const s of [a.fullName, a.address]) if (s !== s.normalize('NFC')) problems.push(`not NFC: ${s}`);
      if (!(a.birthDate >= '1930-01-01' && a.birthDate <= '2025-12-31' && a.birthDate <= today)) problems.push('birth date');
      if (!/^(Số|Tổ) \d+, .+, (xã|phường) .+, (tỉnh|thành phố) .+$/u.test(a.address)) problems.push('address');
      if (a.phone !== '' && !phone.test(a.phone)) problems.push('phone');
      if (a.email !== '' && !/^[a-z]+\d+@[a-z]+\.com$/.test(a.email)) problems.push('email');
      // Middle name Thị only for women, Văn only for men.
      const words = a.fullName.split(' ');
      if (words.length < 3) problems.push('name too short');
      if (c.ok && words[1] === 'Thị' && c.info.sex !== 'female') problems.push('Thị for a man');
      if (c.ok && words[1] === 'Văn' && c.info.sex !== 'male') problems.push('Văn for a woman');
      if (problems.length) throw new Error(`${JSON.stringify(a)}: ${problems.join('; ')}`);
      ids.add(a.idNumber);
    }
    expect(ids.size).toBe(20_000);
  });

  it('family names: roughly the national distribution', () => {
    const g = createDemoGenerator(2025, { region: 0 }); // southern region: Huỳnh, Võ
    const n = 50_000;
    const count = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const fam = g.applicant().fullName.split(' ')[0];
      count.set(fam, (count.get(fam) ?? 0) + 1);
    }
    const share = (f: string) => (count.get(f) ?? 0) / n;
    expect(share('Nguyễn')).toBeGreaterThan(0.35);
    expect(share('Nguyễn')).toBeLessThan(0.42);
    expect(share('Trần')).toBeGreaterThan(0.09);
    expect(share('Trần')).toBeLessThan(0.14);
    expect(share('Lê')).toBeGreaterThan(0.075);
    expect(share('Lê')).toBeLessThan(0.115);
    expect(share('Huỳnh')).toBeGreaterThan(0.035);
    expect(share('Hoàng')).toBe(0);
    expect(share('Võ')).toBeGreaterThan(0.025);
    // The top 14 families cover ~90%.
    const top = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Huỳnh', 'Phan', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
    const cover = top.reduce((s, f) => s + share(f), 0);
    expect(cover).toBeGreaterThan(0.85);
    expect(cover).toBeLessThan(0.95);

    const north = createDemoGenerator(1, { region: 1 });
    const fams = new Set(Array.from({ length: 5000 }, () => north.applicant().fullName.split(' ')[0]));
    expect(fams.has('Hoàng')).toBe(true);
    expect(fams.has('Huỳnh')).toBe(false);
  });

  it('dossierInput passes receiveSchema for every catalogue procedure', () => {
    const g = createDemoGenerator(99);
    const times = g.receivedTimes(vnTime(2025, 7, 1, 7, 0), 50);
    for (const p of BUILTIN_CATALOGUE.procedures) {
      for (let i = 0; i < 50; i++) {
        const input = g.dossierInput(p, times[i]);
        const r = receiveSchema.safeParse(input);
        if (!r.success) throw new Error(`${p.code}: ${JSON.stringify(r.error.issues[0])}`);
        expect(input.procedureCode).toBe(p.code);
        expect(input.components.map((c) => c.componentId)).toEqual(p.components.map((c) => c.id));
        // Every required component is received.
        for (const [j, c] of p.components.entries()) if (c.required) expect(input.components[j].received).toBe(true);
        expect(input.copies).toBe(1);
        if (!p.postalAllowed) expect(input.resultDelivery).toBe('counter');
      }
    }
  });

  it('citizenPool brings citizens back', () => {
    const g = createDemoGenerator(5);
    const pool = g.citizenPool(1000, 0.3);
    const seen = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const a = pool.next();
      seen.set(a.idNumber, (seen.get(a.idNumber) ?? 0) + 1);
    }
    expect(pool.size).toBe(1000);
    const repeats = [...seen.values()].filter((n) => n > 1).length;
    expect(repeats).toBeGreaterThan(100);
    expect(seen.size).toBeGreaterThan(3000);
    expect(seen.size).toBeLessThan(4000);
  });

  it('receivedTimes: strictly increasing, weekdays, counter hours', () => {
    const g = createDemoGenerator(11);
    // Start on a Saturday evening.
    const start = vnTime(2025, 7, 5, 20, 0);
    const ts = g.receivedTimes(start, 20_000, 40);
    expect(ts.length).toBe(20_000);
    const days = new Set<string>();
    const bad: string[] = [];
    for (let i = 0; i < ts.length; i++) {
      const p = vnParts(ts[i]);
      const inMorning = p.minutes >= 7 * 60 && p.minutes < 11 * 60 + 30;
      const inAfternoon = p.minutes >= 13 * 60 + 30 && p.minutes < 17 * 60;
      if (i > 0 && !(ts[i] > ts[i - 1])) bad.push(`${i}: not increasing`);
      if (!Number.isInteger(ts[i])) bad.push(`${i}: not integer`);
      if (p.weekday === 0 || p.weekday === 6) bad.push(`${i}: weekend`);
      if (!inMorning && !inAfternoon) bad.push(`${i}: outside counter hours ${p.hour}:${p.minute}`);
      days.add(`${p.year}-${p.month}-${p.day}`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
    expect(ts[0]).toBeGreaterThanOrEqual(vnTime(2025, 7, 7, 7, 0)); // Monday
    const perDay = ts.length / days.size;
    expect(perDay).toBeGreaterThan(35);
    expect(perDay).toBeLessThan(45);
    // Starting mid-session keeps the same day.
    const mid = vnTime(2025, 7, 8, 9, 15);
    const t2 = g.receivedTimes(mid, 1, 40);
    expect(vnParts(t2[0]).day).toBeGreaterThanOrEqual(8);
    expect(t2[0]).toBeGreaterThan(mid);
  });
});
