// dossiers.editFields through the real dispatcher on a real SQLite file: the row, the search
// index, the timeline and one dossier.field_edited per changed field, in one transaction;
// bad input and closed dossiers change nothing; the reprinted Mẫu 01 shows the correction.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { vnTime } from '../../shared/domain/vnTime';
import { fieldEditedBodySchema } from '../../shared/sync/protocol';
import type { CallError } from '../../shared/ipc/contract';
import { APPLICANT, openConfiguredApp, receiveInput, removeTempDirs, type TestApp } from './helpers/services';

afterAll(() => removeTempDirs());

const MON_0900 = vnTime(2026, 3, 2, 9, 0);
const open: TestApp[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

async function setup() {
  let t = MON_0900;
  const a = await openConfiguredApp({ now: () => t });
  open.push(a);
  const d = await a.call('dossiers.receive', receiveInput({ copies: 1, note: 'Nộp tại quầy 1' }));
  t += 3_600_000;
  return { a, d, advance: (ms: number) => (t += ms) };
}

/** Everything an edit may touch, to compare before and after a refused edit. */
function snapshot(a: TestApp, id: string) {
  const db = a.services.db;
  return {
    row: db.prepare('SELECT * FROM dossiers WHERE id = ?').get(Number(id)),
    events: db.prepare('SELECT * FROM dossier_events WHERE dossier_id = ? ORDER BY seq').all(Number(id)),
    outbox: db.prepare('SELECT type, body FROM outbox ORDER BY id').all(),
    citizen: db.prepare('SELECT * FROM citizens').all(),
  };
}

function fieldEdits(a: TestApp) {
  return (a.services.db.prepare(`SELECT body FROM outbox WHERE type = 'dossier.field_edited' ORDER BY id`).pluck().all() as string[]).map((b) => JSON.parse(b));
}

async function failure(p: Promise<unknown>): Promise<CallError> {
  const e = await p.then(
    () => null,
    (err: { callError?: CallError }) => err.callError ?? null,
  );
  expect(e, 'expected the call to fail').not.toBeNull();
  return e!;
}

const search = async (a: TestApp, query: string) => (await a.call('dossiers.list', { query, limit: 10 })).items.map((x) => x.id);

describe('dossiers.editFields', () => {
  it('corrects the phone and address: row, search, timeline, citizen record and one outbox event per changed field', async () => {
    const { a, d } = await setup();
    expect(await search(a, '0912345678')).toEqual([d.id]);

    const detail = await a.call('dossiers.editFields', {
      id: d.id,
      // The phone is typed with spaces and the address in decomposed Unicode: both normalised.
      applicant: { phone: '0987 654 321', address: 'Ấp Mỹ Hoà, xã Định Mỹ, An Giang'.normalize('NFD') + ' (tổ 5)', fullName: APPLICANT.fullName },
      copies: 2,
      note: 'Nộp tại quầy 1',
    });

    expect(detail.dossier.applicant).toMatchObject({ phone: '0987654321', address: 'Ấp Mỹ Hoà, xã Định Mỹ, An Giang (tổ 5)', fullName: APPLICANT.fullName });
    expect(detail.dossier.applicant.address).toBe(detail.dossier.applicant.address.normalize('NFC'));
    expect(detail.dossier.copies).toBe(2);
    expect(detail.dossier.updatedAt).toBe(MON_0900 + 3_600_000);
    // Stored, not only returned.
    expect((await a.call('dossiers.get', { id: d.id })).dossier.applicant.phone).toBe('0987654321');

    // The timeline: one 'edited' event naming each change.
    const edits = detail.events.filter((e) => e.type === 'edited');
    expect(edits).toHaveLength(1);
    expect(edits[0].note).toContain('Số điện thoại 0912345678 → 0987654321');
    expect(edits[0].note).toContain('Số bộ hồ sơ 1 → 2');
    expect(edits[0].note).toContain('Địa chỉ Ấp Mỹ Hoà, xã Định Mỹ, An Giang → Ấp Mỹ Hoà, xã Định Mỹ, An Giang (tổ 5)');
    expect(edits[0]).toMatchObject({ actor: 'Nguyễn Thị Lan', fromStatus: null, toStatus: null });

    // Exactly one field_edited per changed field (name and note were unchanged), each valid on the wire.
    const out = fieldEdits(a);
    expect(out.map((b) => b.path).sort()).toEqual(['applicant.address', 'applicant.phone', 'copies']);
    expect(out.find((b) => b.path === 'applicant.phone')).toEqual({ path: 'applicant.phone', value: '0987654321', previous: '0912345678' });
    expect(out.find((b) => b.path === 'copies')).toEqual({ path: 'copies', value: 2, previous: 1 });
    for (const b of out) expect(fieldEditedBodySchema.safeParse(b).success).toBe(true);
    const streams = a.services.db.prepare(`SELECT DISTINCT stream FROM outbox`).pluck().all();
    expect(streams).toEqual([a.services.db.prepare('SELECT uid FROM dossiers WHERE id = ?').pluck().get(Number(d.id))]);

    // The search index follows: the new number finds it, the old one no longer does.
    expect(await search(a, '0987654321')).toEqual([d.id]);
    expect(await search(a, '0912345678')).toEqual([]);
    expect(await search(a, 'dang thi hong')).toEqual([d.id]);
    // The next intake offers the corrected data.
    expect(await a.call('citizens.lookup', { idNumber: APPLICANT.idNumber })).toMatchObject({ phone: '0987654321' });
  });

  it('a correction of the name is searchable by the new name only', async () => {
    const { a, d } = await setup();
    await a.call('dossiers.editFields', { id: d.id, applicant: { fullName: 'Đặng Thị  Hồng Nhung' } });
    expect(await search(a, 'hong nhung')).toEqual([d.id]);
    await a.call('dossiers.editFields', { id: d.id, applicant: { fullName: 'Trần Thị Mai' } });
    expect(await search(a, 'nhung')).toEqual([]);
    expect(await search(a, 'tran thi mai')).toEqual([d.id]);
    expect(fieldEdits(a).map((b) => [b.previous, b.value])).toEqual([
      [APPLICANT.fullName, 'Đặng Thị Hồng Nhung'],
      ['Đặng Thị Hồng Nhung', 'Trần Thị Mai'],
    ]);
  });

  it('an edit that changes nothing writes nothing', async () => {
    const { a, d } = await setup();
    const before = snapshot(a, d.id);
    const detail = await a.call('dossiers.editFields', { id: d.id, applicant: { phone: '0912 345 678', fullName: ` ${APPLICANT.fullName} ` }, copies: 1, resultDelivery: 'counter' });
    expect(detail.dossier.applicant.phone).toBe('0912345678');
    expect(snapshot(a, d.id)).toEqual(before);
    await a.call('dossiers.editFields', { id: d.id });
    expect(snapshot(a, d.id)).toEqual(before);
  });

  it('bad input gets a Vietnamese message on its field and changes nothing (not even the valid fields sent with it)', async () => {
    const { a, d } = await setup();
    const before = snapshot(a, d.id);
    const cases: [object, string, RegExp][] = [
      [{ applicant: { phone: '12345' }, copies: 3 }, 'applicant.phone', /^Số điện thoại không hợp lệ/],
      [{ applicant: { idNumber: '089185012345' } }, 'applicant.idNumber', /không khớp với số định danh/],
      [{ applicant: { idNumber: '999190012345' } }, 'applicant.idNumber', /Mã tỉnh "999"/],
      [{ applicant: { idNumber: '08919001234' } }, 'applicant.idNumber', /12 chữ số/],
      // The birth year corrected alone no longer matches the ID number: the birth date is blamed.
      [{ applicant: { birthDate: '1991-05-12' } }, 'applicant.birthDate', /không khớp với số định danh/],
      [{ applicant: { birthDate: '2099-01-01', idNumber: '089299012345' } }, 'applicant.birthDate', /sau ngày hôm nay/],
      [{ applicant: { birthDate: '1990-02-30' } }, 'applicant.birthDate', /ngày không hợp lệ/],
      [{ applicant: { fullName: '   ' } }, 'applicant.fullName', /không được để trống/],
      [{ applicant: { fullName: 'Nguyễn Văn 2' } }, 'applicant.fullName', /chỉ gồm chữ cái/],
      [{ applicant: { address: 'x'.repeat(301) } }, 'applicant.address', /dài quá 300/],
      [{ applicant: { email: 'a@b' } }, 'applicant.email', /Email không hợp lệ/],
      [{ copies: 0 }, 'copies', /ít nhất 1/],
      [{ copies: 1.5 }, 'copies', /số nguyên/],
      [{ copies: '2' }, 'copies', /phải là số/],
      [{ resultDelivery: 'drone' }, 'resultDelivery', /không hợp lệ/],
      [{ note: 'x'.repeat(2001) }, 'note', /dài quá 2000/],
    ];
    for (const [change, field, message] of cases) {
      const r = await a.raw('dossiers.editFields', { id: d.id, ...change });
      expect(r.ok, JSON.stringify(change)).toBe(false);
      if (r.ok) continue;
      expect(r.error.code).toBe('invalid');
      expect(r.error.fields?.[field], `${JSON.stringify(change)} → ${JSON.stringify(r.error)}`).toMatch(message);
    }
    expect(snapshot(a, d.id)).toEqual(before);
    expect((await failure(a.call('dossiers.editFields', { id: '99999', copies: 2 }))).code).toBe('not_found');
  });

  it('refuses corrections once the dossier is closed (withdrawn, returned), allows them while the result waits (9)', async () => {
    const { a, d } = await setup();
    await a.call('dossiers.transition', { id: d.id, to: 4, note: '' });
    await a.call('dossiers.transition', { id: d.id, to: 9, note: '' });
    await a.call('dossiers.editFields', { id: d.id, applicant: { phone: '0987654321' } });
    await a.call('dossiers.transition', { id: d.id, to: 10, note: '' });
    const before = snapshot(a, d.id);
    const e = await failure(a.call('dossiers.editFields', { id: d.id, applicant: { phone: '0909000111' } }));
    expect(e.code).toBe('conflict');
    expect(e.message).toMatch(/Đã trả kết quả.*không sửa thông tin được nữa/);
    expect(snapshot(a, d.id)).toEqual(before);

    const w = await a.call('dossiers.receive', receiveInput());
    await a.call('dossiers.transition', { id: w.id, to: 7, note: 'Công dân xin rút' });
    expect((await failure(a.call('dossiers.editFields', { id: w.id, copies: 3 }))).code).toBe('conflict');
    const refused = await a.call('dossiers.refuse', { procedureCode: '2.000815', applicant: APPLICANT, reason: 'Không thuộc thẩm quyền' });
    expect((await failure(a.call('dossiers.editFields', { id: refused.id, copies: 3 }))).code).toBe('conflict');
    expect(fieldEdits(a).map((b) => b.value)).toEqual(['0987654321']);
  });

  it('a failure inside the transaction leaves row, search entry, timeline and outbox as they were', async () => {
    const { a, d } = await setup();
    const before = snapshot(a, d.id);
    // The second outbox write fails: the row update, the search entry and the first event roll back.
    a.services.db.exec(`CREATE TEMP TRIGGER boom BEFORE INSERT ON outbox WHEN NEW.body LIKE '%"copies"%' BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    const e = await failure(a.call('dossiers.editFields', { id: d.id, applicant: { phone: '0987654321' }, copies: 2 }));
    expect(e.code).toBe('internal');
    a.services.db.exec('DROP TRIGGER boom');
    expect(snapshot(a, d.id)).toEqual(before);
    expect(await search(a, '0912345678')).toEqual([d.id]);
    expect(await search(a, '0987654321')).toEqual([]);
  });

  it('the reprinted receipt (Mẫu 01) shows the corrected values', async () => {
    const { a, d } = await setup();
    await a.call('dossiers.editFields', { id: d.id, applicant: { phone: '0987654321', fullName: 'Đặng Thị Hồng Nhung' }, copies: 3 });
    await a.call('forms.render', { kind: 'mau01', id: d.id });
    const file = path.join(a.dir, 'forms', fs.readdirSync(path.join(a.dir, 'forms')).find((f) => f.startsWith('mau01'))!);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).normalize('NFC');
    expect(text).toContain('0987654321');
    expect(text).not.toContain('0912345678');
    expect(text).toContain('Đặng Thị Hồng Nhung');
  });
});
