// Services through the real dispatcher on real SQLite files in a temp folder.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { vnTime } from '../../shared/domain/vnTime';
import { WorkingCalendar } from '../../shared/domain/calendar/workingCalendar';
import { ruleHolidays } from '../../shared/domain/calendar/holidays';
import { DEFAULT_WORKING_HOURS } from '../../shared/domain/types';
import { ProcedureStore } from '../../electron/services/procedures';
import { runIdleMaintenance } from '../../electron/services/db/database';
import { BUILTIN_CATALOGUE } from '../../shared/data/catalogue/index';
import { APPLICANT, UNIT, clock, openConfiguredApp, openTestApp, receiveInput, type TestApp } from './helpers/services';
import { removeTempDirs } from './helpers/services';

afterAll(() => removeTempDirs());

const MON_0900 = vnTime(2026, 3, 2, 9, 0); // Monday 2 March 2026, no holiday that week
const HOUR = 3_600_000;
const DAY = 86_400_000;

const open: TestApp[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});
async function app(now?: () => number): Promise<TestApp> {
  const a = await openConfiguredApp({ now });
  open.push(a);
  return a;
}
function count(a: TestApp, table: string): number {
  return a.services.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
}
async function expectError(p: Promise<unknown>, code: string, message?: RegExp) {
  const e = (await p.then(
    () => null,
    (err: { callError?: { code: string; message: string } }) => err.callError,
  )) as { code: string; message: string } | null;
  expect(e, 'expected the call to fail').not.toBeNull();
  expect(e!.code).toBe(code);
  if (message) expect(e!.message).toMatch(message);
}

describe('app.info and settings', () => {
  it('has no settings until first-run setup, then returns them', async () => {
    const a = openTestApp({ now: () => MON_0900 });
    open.push(a);
    const before = await a.call('app.info', {});
    expect(before.settings).toBeNull();
    expect(before.now).toBe(MON_0900);
    await a.call('settings.save', UNIT);
    expect((await a.call('app.info', {})).settings).toEqual(UNIT);
  });

  it('refuses receive, refuse and guidance before setup with a Vietnamese conflict', async () => {
    const a = openTestApp({ now: () => MON_0900 });
    open.push(a);
    await expectError(a.call('dossiers.receive', receiveInput()), 'conflict', /^Chưa thiết lập thông tin đơn vị/);
    await expectError(a.call('dossiers.refuse', { procedureCode: '2.000815', applicant: APPLICANT, reason: 'x' }), 'conflict', /^Chưa thiết lập/);
    await expectError(a.call('guidance.create', { procedureCode: '2.000815', applicant: APPLICANT, missing: receiveInput().components!, reason: 'x' }), 'conflict', /^Chưa thiết lập/);
    expect(count(a, 'dossiers')).toBe(0);
  });
});

describe('procedures', () => {
  it('search is diacritic-insensitive and ranks the right procedure first', async () => {
    const a = await app();
    const first = async (q: string) => (await a.call('procedures.search', { query: q }))[0]?.code;
    expect(await first('khai sinh')).toBe('1.001193');
    expect(await first('KHAI SINH')).toBe('1.001193');
    expect(await first('chung thuc ban sao')).toBe('2.000815');
    expect(await first('Đăng ký kết hôn')).toBe('1.000894');
    expect(await first('dang ky ket hon')).toBe('1.000894');
    expect(await first('1.001193')).toBe('1.001193');
    expect(await first('khai tu')).toBe('1.000656');
    expect(await a.call('procedures.search', { query: 'xyzzy' })).toEqual([]);
    expect((await a.call('procedures.search', { query: '' })).length).toBe(BUILTIN_CATALOGUE.procedures.length);
  });

  it('a unit edit is marked, and a newer built-in catalogue does not overwrite it', async () => {
    const a = await app();
    const p = await a.call('procedures.get', { code: '2.000884' });
    const edited = await a.call('procedures.save', { ...p, fee: { amount: 12000, description: 'Theo NQ HĐND tỉnh' } });
    expect(edited.source).toBe('unit edit');
    const store = new ProcedureStore(a.services.db, () => MON_0900);
    const newer = {
      ...BUILTIN_CATALOGUE,
      version: BUILTIN_CATALOGUE.version + 1,
      procedures: BUILTIN_CATALOGUE.procedures.map((x) => ({ ...x, name: x.name + ' (2026)' })),
    };
    expect(store.importCatalogue(newer)).toBe(BUILTIN_CATALOGUE.procedures.length - 1);
    expect(store.importCatalogue(newer)).toBe(0); // already up to date
    expect(store.get('2.000884').fee.amount).toBe(12000);
    expect(store.get('2.000884').name).toBe(p.name);
    expect(store.get('2.000815').name).toMatch(/\(2026\)$/);
    expect(store.isUnitEdited('2.000884')).toBe(true);
  });

  it('unknown procedure → not_found', async () => {
    const a = await app();
    await expectError(a.call('procedures.get', { code: '9.999999' }), 'not_found', /Không tìm thấy thủ tục/);
  });
});

describe('dossiers.receive', () => {
  it('assigns {unit}-{yyMMdd}-{NNNN} per Vietnam day, the register number, the appointment, a received event and the citizen', async () => {
    const c = clock(MON_0900);
    const a = await app(c.now);
    const d1 = await a.call('dossiers.receive', receiveInput());
    const d2 = await a.call('dossiers.receive', receiveInput());
    expect(d1.code).toBe('000.00.13.H12-260302-1001');
    expect(d2.code).toBe('000.00.13.H12-260302-1002');
    // Register numbers run per year inside the PC's slot (slot 1 unenrolled): PROTOCOL.md §7.
    expect([d1.registerBook, d1.registerNo, d2.registerNo]).toEqual([2026, 100_001, 100_002]);
    expect(d1.status).toBe(2);
    expect(d1.receivedBy).toBe(UNIT.clerkName);
    expect(d1.receivedAt).toBe(MON_0900);
    // Same-day procedure received before 15:00 → 17:00 the same day.
    expect(d1.appointmentAt).toBe(vnTime(2026, 3, 2, 17, 0));
    // 23:30 Vietnam time on 2 March is already 3 March? No: still 2 March; 00:30 on 3 March is the next day.
    c.set(vnTime(2026, 3, 3, 0, 30));
    const d3 = await a.call('dossiers.receive', receiveInput());
    expect(d3.code).toBe('000.00.13.H12-260303-1001');
    expect(d3.registerNo).toBe(100_003);
    c.set(vnTime(2027, 1, 4, 8, 0));
    const d4 = await a.call('dossiers.receive', receiveInput());
    expect([d4.code, d4.registerBook, d4.registerNo]).toEqual(['000.00.13.H12-270104-1001', 2027, 100_001]);

    const detail = await a.call('dossiers.get', { id: d1.id });
    expect(detail.dossier).toEqual(d1);
    expect(detail.events.map((e) => [e.type, e.fromStatus, e.toStatus, e.actor])).toEqual([['received', null, 2, UNIT.clerkName]]);
    expect(detail.allowedTransitions).toEqual([4, 5, 7, 8]);
    expect(await a.call('citizens.lookup', { idNumber: APPLICANT.idNumber })).toEqual(APPLICANT);
    expect(await a.call('citizens.lookup', { idNumber: '001090000001' })).toBeNull();
  });

  it('stores the appointment computed from the procedure (24 working hours, skipping the weekend)', async () => {
    const c = clock(vnTime(2026, 3, 5, 14, 0)); // Thursday 14:00
    const a = await app(c.now);
    const preview = await a.call('dossiers.previewAppointment', { procedureCode: '1.004873' });
    const d = await a.call('dossiers.receive', receiveInput({ procedureCode: '1.004873' }));
    // Thu 14–17 (3 h) + Fri 8 h + Mon 8 h + Tue 5 h (07:00–11:30 = 4.5 h, then 13:30–14:00) = 24 h.
    expect(d.appointmentAt).toBe(vnTime(2026, 3, 10, 14, 0));
    expect(d.processingHours).toBe(24);
    expect(preview.appointmentAt).toBe(d.appointmentAt);
    expect(preview.explanation.length).toBeGreaterThan(0);
  });

  it('the citizen is filled in with the latest data given', async () => {
    const c = clock(MON_0900);
    const a = await app(c.now);
    await a.call('dossiers.receive', receiveInput());
    c.advance(HOUR);
    await a.call('dossiers.receive', receiveInput({ applicant: { ...APPLICANT, address: 'Ấp Mỹ Thuận, xã Định Mỹ', phone: '0987654321' } }));
    expect(await a.call('citizens.lookup', { idNumber: APPLICANT.idNumber })).toMatchObject({ address: 'Ấp Mỹ Thuận, xã Định Mỹ', phone: '0987654321' });
  });

  it('a 10,000-character name is refused at the boundary and nothing is written', async () => {
    const a = await app(() => MON_0900);
    const r = await a.raw('dossiers.receive', receiveInput({ applicant: { ...APPLICANT, fullName: 'Nguyễn ' + 'a'.repeat(10_000) } }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid');
      expect(r.error.fields?.['applicant.fullName']).toMatch(/dài quá/);
    }
    for (const t of ['dossiers', 'dossier_events', 'dossier_components', 'citizens', 'sequences']) expect(count(a, t)).toBe(0);
  });

  it('stores HTML and quotes verbatim (escaping is the renderer’s job)', async () => {
    const a = await app(() => MON_0900);
    const note = '<script>alert("x")</script> & <b>đậm</b> \'; DROP TABLE dossiers; --';
    const address = '<img src=x onerror=alert(1)> Ấp "Mỹ Hoà"';
    const d = await a.call('dossiers.receive', receiveInput({ note, applicant: { ...APPLICANT, address } }));
    const got = await a.call('dossiers.get', { id: d.id });
    expect(got.dossier.note).toBe(note);
    expect(got.dossier.applicant.address).toBe(address);
    expect(count(a, 'dossiers')).toBe(1);
  });

  it('a save that fails inside the transaction rolls back everything, and its number is not skipped or handed out twice', async () => {
    const c = clock(MON_0900);
    const a = await app(c.now);
    a.services.db.exec("CREATE TEMP TRIGGER fail_refusal BEFORE INSERT ON dossier_events WHEN NEW.note = 'FAIL' BEGIN SELECT RAISE(ABORT, 'boom'); END");
    const r = await a.raw('dossiers.refuse', { procedureCode: '2.000815', applicant: APPLICANT, reason: 'FAIL' });
    expect(r.ok).toBe(false);
    for (const t of ['dossiers', 'dossier_events', 'citizens', 'sequences']) expect(count(a, t)).toBe(0);
    const d = await a.call('dossiers.receive', receiveInput());
    expect(d.code.endsWith('-1001')).toBe(true);
    expect(d.registerNo).toBe(100_001);
  });

  it('refuses an inactive procedure', async () => {
    const a = await app(() => MON_0900);
    const p = await a.call('procedures.get', { code: '2.001019' });
    await a.call('procedures.save', { ...p, active: false });
    await expectError(a.call('dossiers.receive', receiveInput({ procedureCode: '2.001019' })), 'conflict', /ngừng áp dụng/);
  });
});

describe('transitions', () => {
  it('allows only the moves of the workflow, sets finishedAt / returnedAt and logs events with notes', async () => {
    const c = clock(MON_0900);
    const a = await app(c.now);
    const d = await a.call('dossiers.receive', receiveInput());
    await expectError(a.call('dossiers.transition', { id: d.id, to: 9 }), 'conflict', /Không thể chuyển hồ sơ .* từ trạng thái "Được tiếp nhận" sang "Đã xử lý xong"/);
    c.advance(HOUR);
    await a.call('dossiers.transition', { id: d.id, to: 4, note: 'Chuyển công chức tư pháp' });
    c.advance(HOUR);
    const done = await a.call('dossiers.transition', { id: d.id, to: 9 });
    expect(done.dossier.finishedAt).toBe(MON_0900 + 2 * HOUR);
    expect(done.dossier.returnedAt).toBeNull();
    expect(done.allowedTransitions).toEqual([10]);
    c.advance(HOUR);
    const back = await a.call('dossiers.transition', { id: d.id, to: 10 });
    expect(back.dossier.returnedAt).toBe(MON_0900 + 3 * HOUR);
    expect(back.allowedTransitions).toEqual([]);
    expect(back.events.map((e) => [e.type, e.fromStatus, e.toStatus])).toEqual([
      ['received', null, 2],
      ['transferred', 2, 4],
      ['resolved', 4, 9],
      ['result_returned', 9, 10],
    ]);
    expect(back.events[1].note).toBe('Chuyển công chức tư pháp');
    await expectError(a.call('dossiers.transition', { id: d.id, to: 4 }), 'conflict');
    await expectError(a.call('dossiers.transition', { id: '999999', to: 4 }), 'not_found');
  });

  it('a supplement pause (5 → 4) moves the appointment later by the paused working hours', async () => {
    const c = clock(MON_0900);
    const a = await app(c.now);
    const d = await a.call('dossiers.receive', receiveInput({ procedureCode: '1.004873' })); // 24 working hours
    expect(d.appointmentAt).toBe(vnTime(2026, 3, 5, 9, 0)); // Thursday 09:00
    await a.call('dossiers.transition', { id: d.id, to: 4 });
    c.set(vnTime(2026, 3, 3, 10, 0)); // Tuesday 10:00: ask for a supplement
    await a.call('dossiers.transition', { id: d.id, to: 5, note: 'Thiếu giấy tờ' });
    c.set(vnTime(2026, 3, 4, 10, 0)); // Wednesday 10:00: supplied → 8 working hours paused
    const r = await a.call('dossiers.transition', { id: d.id, to: 4 });
    expect(r.dossier.appointmentAt).toBe(vnTime(2026, 3, 6, 9, 0)); // Friday 09:00
    const cal = new WorkingCalendar(DEFAULT_WORKING_HOURS, ruleHolidays);
    expect(cal.workingHoursBetween(d.appointmentAt!, r.dossier.appointmentAt!)).toBe(8);
    expect(r.events[r.events.length - 1]).toMatchObject({ type: 'supplemented', fromStatus: 5, toStatus: 4 });
    expect(r.events[r.events.length - 1].note).toMatch(/06\/03\/2026/);
  });
});

describe('refusal and guidance', () => {
  it('refuse records status 3 with its reason, a code and a refused event; nothing can follow', async () => {
    const a = await app(() => MON_0900);
    const d = await a.call('dossiers.refuse', { procedureCode: '2.000815', applicant: APPLICANT, reason: 'Không thuộc thẩm quyền' });
    expect(d.status).toBe(3);
    expect(d.reason).toBe('Không thuộc thẩm quyền');
    expect(d.code).toBe('000.00.13.H12-260302-1001');
    expect(d.appointmentAt).toBeNull();
    const g = await a.call('dossiers.get', { id: d.id });
    expect(g.events.map((e) => e.type)).toEqual(['refused']);
    expect(g.allowedTransitions).toEqual([]);
  });

  it('guidance slips are numbered per year inside the PC’s slot and listed newest first', async () => {
    const c = clock(MON_0900);
    const a = await app(c.now);
    const input = { procedureCode: '1.001193', applicant: APPLICANT, missing: receiveInput().components!, reason: 'Thiếu giấy chứng sinh' };
    const s1 = await a.call('guidance.create', input);
    const s2 = await a.call('guidance.create', input);
    expect([s1.number, s2.number, s1.year]).toEqual([10_001, 10_002, 2026]);
    expect([s1.counterSlot, s1.fromDevice]).toEqual([1, null]);
    expect(s1.procedureName).toBe('Đăng ký khai sinh');
    expect(s1.issuedBy).toBe(UNIT.clerkName);
    c.set(vnTime(2027, 1, 4, 8, 0));
    const s3 = await a.call('guidance.create', input);
    expect([s3.number, s3.year]).toEqual([10_001, 2027]);
    const list = await a.call('guidance.list', {});
    expect(list.map((s) => s.id)).toEqual([s3.id, s2.id, s1.id]);
    expect(list[2]).toEqual(s1);
  });
});

describe('search and filters', () => {
  async function seeded() {
    const c = clock(MON_0900);
    const a = await app(c.now);
    const people = [
      { ...APPLICANT },
      { ...APPLICANT, fullName: 'Nguyễn Văn Đức', idNumber: '001085001234', birthDate: '1985-02-03', phone: '0901111222' },
      { ...APPLICANT, fullName: 'Trần Thị Dung', idNumber: '079195004321', birthDate: '1995-07-08', phone: '' },
      { ...APPLICANT, fullName: 'Dương Quốc Nguyên', idNumber: '092088007777', birthDate: '1988-12-30', phone: '+84933444555' },
    ];
    const ds = [];
    for (const p of people) {
      ds.push(await a.call('dossiers.receive', receiveInput({ applicant: p })));
      c.advance(60_000);
    }
    return { a, c, ds };
  }
  const names = (r: { items: { applicantName: string }[] }) => r.items.map((i) => i.applicantName);

  it('folds diacritics and đ, matches prefixes, ANDs words, finds IDs, phones and codes', async () => {
    const { a, ds } = await seeded();
    const q = (query: string) => a.call('dossiers.list', { query });
    expect(names(await q('Dang'))).toEqual(['Đặng Thị Hồng']);
    expect(names(await q('đặng hồng'))).toEqual(['Đặng Thị Hồng']);
    expect(names(await q('DANG THI H'))).toEqual(['Đặng Thị Hồng']);
    expect(names(await q('duc'))).toEqual(['Nguyễn Văn Đức']);
    expect(names(await q('Nguyen'))).toEqual(['Dương Quốc Nguyên', 'Nguyễn Văn Đức']); // newest first
    expect(names(await q('d'))).toHaveLength(4);
    expect(names(await q('001085001234'))).toEqual(['Nguyễn Văn Đức']);
    expect(names(await q('0901111'))).toEqual(['Nguyễn Văn Đức']);
    expect(names(await q('0933444555'))).toEqual(['Dương Quốc Nguyên']); // stored as +84…
    expect(names(await q(ds[2].code))).toEqual(['Trần Thị Dung']);
    expect(names(await q(ds[2].code.toLowerCase()))).toEqual(['Trần Thị Dung']);
    expect(names(await q('000.00.13.H12-260302'))).toHaveLength(4);
    expect(names(await q('260302-1003'))).toEqual(['Trần Thị Dung']);
    expect(names(await q('nguyen OR dang'))).toEqual([]); // OR is a word here, not an operator
    expect((await q('Nguyen')).total).toBe(2);
  });

  it('hostile input never errors and never injects', async () => {
    const { a } = await seeded();
    for (const query of [
      '"',
      '""',
      'AND OR',
      'OR',
      '*',
      '**',
      'NEAR(',
      'NEAR(a b, 2)',
      "'); DROP TABLE dossiers; --",
      'a"b',
      '^dang',
      'body:dang',
      '-dang',
      '(',
      ')',
      'dang*',
      '{',
      'NOT',
      '%',
      '_',
      '\\',
      'đặng"',
    ]) {
      const r = await a.raw('dossiers.list', { query });
      expect(r.ok, query).toBe(true);
    }
    // Queries with no letters or digits filter nothing.
    expect(names(await a.call('dossiers.list', { query: '"' }))).toHaveLength(4);
    expect(names(await a.call('dossiers.list', { query: 'dang"*' }))).toEqual(['Đặng Thị Hồng']);
    expect(names(await a.call('dossiers.list', { query: '^dang' }))).toEqual(['Đặng Thị Hồng']);
    expect(names(await a.call('dossiers.list', { query: "hong'); DROP TABLE dossiers; --" }))).toEqual([]);
    expect(count(a, 'dossiers')).toBe(4);
    expect(names(await a.call('dossiers.list', { query: 'NEAR(dang hong)' }))).toEqual([]); // 'near' is a word
  });

  it('saves append small search segments; idle maintenance merges them and search still finds everything', async () => {
    const c = clock(MON_0900);
    const a = await app(c.now);
    for (let i = 0; i < 20; i++) {
      await a.call('dossiers.receive', receiveInput());
      c.advance(1000);
    }
    const segments = () => a.services.db.prepare('SELECT count(DISTINCT segid) FROM dossier_fts_idx').pluck().get() as number;
    const before = segments();
    expect(before).toBeGreaterThanOrEqual(10);
    runIdleMaintenance(a.services.db);
    expect(segments()).toBeLessThan(before);
    expect((await a.call('dossiers.list', { query: 'dang hong', limit: 100 })).items).toHaveLength(20);
  });

  it('filters by status, procedure and Vietnam-day range, newest first, with limit/offset', async () => {
    const { a, c, ds } = await seeded();
    c.set(vnTime(2026, 3, 4, 23, 30)); // late on Wednesday, Vietnam time
    const late = await a.call('dossiers.receive', receiveInput({ procedureCode: '1.001193', receivedAt: vnTime(2026, 3, 4, 23, 30) }));
    await a.call('dossiers.transition', { id: ds[0].id, to: 4 });
    const ids = async (f: Parameters<typeof a.call<'dossiers.list'>>[1]) => (await a.call('dossiers.list', f)).items.map((i) => i.id);
    expect(await ids({})).toEqual([late.id, ds[3].id, ds[2].id, ds[1].id, ds[0].id]);
    expect(await ids({ statuses: [4] })).toEqual([ds[0].id]);
    expect(await ids({ procedureCode: '1.001193' })).toEqual([late.id]);
    expect(await ids({ receivedFrom: '2026-03-04', receivedTo: '2026-03-04' })).toEqual([late.id]);
    expect(await ids({ receivedFrom: '2026-03-02', receivedTo: '2026-03-02' })).toHaveLength(4);
    expect(await ids({ receivedFrom: '2026-03-03', receivedTo: '2026-03-03' })).toEqual([]);
    expect(await ids({ limit: 2, offset: 1 })).toEqual([ds[3].id, ds[2].id]);
    const page = await a.call('dossiers.list', { limit: 2 });
    expect(page.total).toBe(5);
    expect(await a.call('dossiers.list', { limit: 2, offset: 4 })).toMatchObject({ total: 5, items: [{ id: ds[0].id }] });
    expect(await a.call('dossiers.list', { limit: 2, offset: 10 })).toEqual({ total: 5, items: [] });
    expect((await a.call('dossiers.list', { statuses: [4], limit: 1 })).total).toBe(1);
  });

  it('overdue and due-soon follow the injected clock; paused and finished dossiers are not overdue', async () => {
    const c = clock(MON_0900);
    const a = await app(c.now);
    const sameDay = [];
    for (let i = 0; i < 4; i++) {
      sameDay.push(await a.call('dossiers.receive', receiveInput())); // due Mon 17:00
      c.advance(60_000);
    }
    const threeDays = await a.call('dossiers.receive', receiveInput({ procedureCode: '1.004873' })); // due Thu ~09:04
    const twoDays = await a.call('dossiers.receive', receiveInput({ procedureCode: '2.001019' })); // 16 h → Wed ~09:04
    const ids = async (due: 'overdue' | 'soon') => (await a.call('dossiers.list', { due })).items.map((i) => i.id);

    expect(await ids('overdue')).toEqual([]);
    expect(await ids('soon')).toEqual([...sameDay.map((d) => d.id), twoDays.id]);

    await a.call('dossiers.transition', { id: sameDay[1].id, to: 4 });
    await a.call('dossiers.transition', { id: sameDay[2].id, to: 5 }); // paused
    await a.call('dossiers.transition', { id: sameDay[3].id, to: 4 });
    await a.call('dossiers.transition', { id: sameDay[3].id, to: 9 }); // done

    c.set(vnTime(2026, 3, 3, 9, 0)); // Tuesday 09:00
    expect(await ids('overdue')).toEqual([sameDay[0].id, sameDay[1].id]);
    expect(await ids('soon')).toEqual([twoDays.id]); // Thursday is 16 working hours away exactly at 09:00 → 3 days is not
    c.set(vnTime(2026, 3, 10, 9, 0));
    expect(await ids('overdue')).toEqual([sameDay[0].id, sameDay[1].id, twoDays.id, threeDays.id]);
    expect((await a.call('dossiers.list', { due: 'overdue', query: 'dang' })).items).toHaveLength(4);
    expect((await a.call('dossiers.list', { due: 'overdue', statuses: [4] })).items.map((i) => i.id)).toEqual([sameDay[1].id]);
  });
});

describe('holidays', () => {
  it('lists rule holidays merged with unit entries; only unit entries can be deleted; the calendar follows', async () => {
    const c = clock(vnTime(2026, 5, 18, 9, 0)); // Monday
    const a = await app(c.now);
    const rules = await a.call('holidays.list', { year: 2026 });
    expect(rules.length).toBeGreaterThan(5);
    expect(rules.filter((h) => h.origin !== 'proposed').every((h) => h.origin === 'rule')).toBe(true);
    const ruleDay = rules.find((h) => h.kind === 'off')!;
    await expectError(a.call('holidays.delete', { date: ruleDay.date }), 'not_found');

    const before = await a.call('dossiers.previewAppointment', { procedureCode: '2.001019' }); // 16 h → Wed 09:00
    expect(before.appointmentAt).toBe(vnTime(2026, 5, 20, 9, 0));
    const after = await a.call('holidays.save', { date: '2026-05-19', name: 'Nghỉ theo thông báo của tỉnh', kind: 'off' });
    expect(after.find((h) => h.date === '2026-05-19')).toMatchObject({ origin: 'unit', kind: 'off' });
    expect((await a.call('dossiers.previewAppointment', { procedureCode: '2.001019' })).appointmentAt).toBe(vnTime(2026, 5, 21, 9, 0));
    const removed = await a.call('holidays.delete', { date: '2026-05-19' });
    expect(removed.find((h) => h.date === '2026-05-19')).toBeUndefined();
    expect((await a.call('dossiers.previewAppointment', { procedureCode: '2.001019' })).appointmentAt).toBe(vnTime(2026, 5, 20, 9, 0));
  });
});

describe('holidays not yet confirmed (issue 12 item 6)', () => {
  it('a day of a doubtful rule is proposed, not counted, until the unit confirms it', async () => {
    const c = clock(vnTime(2026, 11, 23, 9, 0)); // Monday; 24/11/2026 is the unverified Ngày Văn hóa Việt Nam
    const a = await app(c.now);
    const list = await a.call('holidays.list', { year: 2026 });
    expect(list.find((h) => h.date === '2026-11-24')).toMatchObject({ origin: 'proposed', name: 'Ngày Văn hóa Việt Nam' });
    // 16 working hours from Monday 09:00: Wednesday 09:00, Tuesday 24/11 being a working day.
    expect((await a.call('dossiers.previewAppointment', { procedureCode: '2.001019' })).appointmentAt).toBe(vnTime(2026, 11, 25, 9, 0));
    const after = await a.call('holidays.save', { date: '2026-11-24', name: 'Ngày Văn hóa Việt Nam', kind: 'off' });
    expect(after.filter((h) => h.date === '2026-11-24')).toEqual([expect.objectContaining({ origin: 'unit', kind: 'off' })]);
    expect((await a.call('dossiers.previewAppointment', { procedureCode: '2.001019' })).appointmentAt).toBe(vnTime(2026, 11, 26, 9, 0));
  });
});

describe('forms.render', () => {
  it('renders Mẫu 01 from stored data, keeps a copy and records a form_printed event', async () => {
    const a = await app(() => MON_0900);
    const d = await a.call('dossiers.receive', receiveInput());
    const f = await a.call('forms.render', { kind: 'mau01', id: d.id });
    const pdf = Buffer.from(f.pdfBase64, 'base64');
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(fs.readFileSync(path.join(a.dir, 'forms', f.fileName)).equals(pdf)).toBe(true);
    const g = await a.call('dossiers.get', { id: d.id });
    expect(g.events.map((e) => e.type)).toEqual(['received', 'form_printed']);
    expect(g.dossier.status).toBe(2);
    await expectError(a.call('forms.render', { kind: 'mau03', id: d.id }), 'conflict');
  });
});

describe('export', () => {
  it('streams DongBoHoSoMC-shaped records for a Vietnam-day range', async () => {
    const c = clock(MON_0900);
    const a = await app(c.now);
    await a.call('dossiers.receive', receiveInput());
    c.advance(DAY);
    await a.call('dossiers.receive', receiveInput());
    const all = [...a.services.exportDossiers()];
    expect(all).toHaveLength(2);
    expect(all[0]).toMatchObject({ MaHoSo: '000.00.13.H12-260302-1001', MaTTHC: '2.000815', NgayTiepNhan: '20260302090000', TrangThaiHoSo: 2 });
    expect([...a.services.exportDossiers({ from: '2026-03-03', to: '2026-03-03' })]).toHaveLength(1);
  });
});
