// The hub refuses a Mẫu 02 number a device may not issue (PROTOCOL.md §7): outside its slot,
// of another year than its date, or already held by another slip of the unit and year.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { backends, startTestHub } from '../sync-support/hubHarness';
import type { TestDevice, TestHub } from '../sync-support/hubHarness';
import { yearlyNumberForSlot, type SyncEvent } from '../../shared/sync/protocol';
import { vnTime } from '../../shared/domain/vnTime';

const UNIT = '000.00.13.H12';
const OTHER = '000.00.14.H12';
const AT = vnTime(2026, 3, 9, 9, 0);

function slip(d: TestDevice, number: number, over: { year?: number; issuedAt?: number; id?: string } = {}): SyncEvent {
  const issuedAt = over.issuedAt ?? AT;
  return {
    eventId: randomUUID(),
    deviceId: d.deviceId,
    unitCode: d.unitCode,
    dossierId: over.id ?? randomUUID(),
    seq: ++d.maker.seq,
    at: issuedAt,
    actor: 'Lê Thị Hồng Nhung',
    type: 'guidance.issued',
    body: {
      number,
      year: over.year ?? 2026,
      procedureCode: '1.001193',
      procedureName: 'Đăng ký khai sinh',
      applicant: { fullName: 'Trần Văn Bình', idNumber: '', birthDate: '', address: 'Ấp 3', phone: '', email: '' },
      missing: [{ componentId: 'chungsinh', name: 'Giấy chứng sinh', original: 1, certified: 0, photocopy: 0, received: false }],
      reason: 'Thiếu giấy chứng sinh',
      issuedBy: 'Lê Thị Hồng Nhung',
      issuedAt,
    },
  };
}

describe.each(await backends())('guidance numbers at the hub on %s', (backend) => {
  let h: TestHub;
  let a: TestDevice, b: TestDevice, x: TestDevice;
  beforeAll(async () => {
    h = await startTestHub(backend);
    a = await h.device(UNIT, 'Máy 1');
    b = await h.device(UNIT, 'Máy 2');
    x = await h.device(OTHER, 'Máy xã khác');
  });
  afterAll(async () => h?.stop());

  const stored = async (ids: string[]) => (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE dossier_id = ANY($1::text[])', [ids])).rows[0].n;

  it('accepts each device’s own range, refuses another slot’s number, an old per-unit number and a wrong year', async () => {
    expect([a.slot, b.slot]).toEqual([1, 2]);
    const ok = [slip(a, yearlyNumberForSlot('guidance', a.slot, 1)), slip(b, yearlyNumberForSlot('guidance', b.slot, 1))];
    const bad = [slip(a, yearlyNumberForSlot('guidance', b.slot, 7)), slip(a, 12), slip(a, yearlyNumberForSlot('guidance', a.slot, 2), { year: 2025 })];
    const ra = await a.client.pushBatch(randomUUID(), [ok[0], ...bad]);
    expect(ra.results.map((r) => r.outcome)).toEqual(['accepted', 'rejected', 'rejected', 'rejected']);
    expect(ra.results[1].reason).toMatch(/20007\/HDHS nằm ngoài dải số của máy \(ô 1: 10001–19999\)/);
    expect(ra.results[2].reason).toMatch(/ngoài dải số/);
    expect(ra.results[3].reason).toMatch(/năm khác với ngày lập phiếu/);
    expect((await b.client.pushBatch(randomUUID(), [ok[1]])).accepted).toBe(1);
    expect(await stored(bad.map((e) => e.dossierId))).toBe(0);
    expect(await stored(ok.map((e) => e.dossierId))).toBe(2);
  });

  it('refuses a number already used in the unit and year, at the hub or earlier in the batch; a resend is a duplicate', async () => {
    const n = yearlyNumberForSlot('guidance', a.slot, 5);
    const first = slip(a, n);
    expect((await a.client.pushBatch(randomUUID(), [first])).accepted).toBe(1);
    // The same event again: duplicate, not a clash with itself.
    const again = await a.client.pushBatch(randomUUID(), [first]);
    expect(again.results[0].outcome).toBe('duplicate');
    // Another slip with the same number (e.g. a replaced PC that took over slot 1 and never pulled).
    const clash = slip(a, n);
    const twins = [slip(a, n + 1), slip(a, n + 1)];
    const r = await a.client.pushBatch(randomUUID(), [clash, ...twins]);
    expect(r.results.map((x) => x.outcome)).toEqual(['rejected', 'accepted', 'rejected']);
    expect(r.results[0].reason).toBe(`Số phiếu hướng dẫn ${n}/HDHS năm 2026 đã được dùng cho phiếu khác của đơn vị.`);
    expect(r.results[2].reason).toMatch(/đã được dùng cho phiếu khác/);
    expect(await stored([clash.dossierId])).toBe(0);
    // The same number in another year, and in another unit, is free.
    const nextYear = slip(a, n, { year: 2027, issuedAt: vnTime(2027, 1, 4, 8, 0) });
    expect((await a.client.pushBatch(randomUUID(), [nextYear])).accepted).toBe(1);
    expect((await x.client.pushBatch(randomUUID(), [slip(x, yearlyNumberForSlot('guidance', x.slot, 5))])).accepted).toBe(1);
    // Refused events were not stored and the accepted slip is pulled by the unit's other PC.
    const pulled = await b.client.pull(0, 1000);
    const numbers = pulled.items.flatMap((i) => (i.kind === 'event' && i.event.type === 'guidance.issued' ? [`${i.event.body.number}/${i.event.body.year}`] : []));
    expect(numbers).toContain(`${n}/2026`);
    expect(numbers).toContain(`${n}/2027`);
    expect(numbers.filter((k) => k === `${n}/2026`)).toHaveLength(1);
    expect(numbers.filter((k) => k === `${n + 1}/2026`)).toHaveLength(1);
  });
});
