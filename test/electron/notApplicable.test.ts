// "Không áp dụng" (issue 12 item 2): an optional paper that does not apply to this citizen
// is recorded as such (event, projected row, dossier detail), is never "missing" (Mẫu 02's
// list) and is never sent to the national system as handed in; a required paper marked so
// is refused with a Vietnamese message and changes nothing. Real SQLite file, real dispatcher.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { mayNotApply, missingComponents, nextComponentState } from '../../shared/domain/componentApplies';
import type { DossierComponent } from '../../shared/domain/types';
import { toDongBoHoSoMC } from '../../shared/national/records';
import { deriveDossier } from '../../shared/sync/derive';
import { type SyncEvent, syncEventSchema } from '../../shared/sync/protocol';
import { vnTime } from '../../shared/domain/vnTime';
import { OUTBOX_COLUMNS, type OutboxRow, toWireEvent } from '../../electron/services/events/outbox';
import { APPLICANT, UNIT, openConfiguredApp, removeTempDirs, type TestApp } from './helpers/services';

afterAll(() => removeTempDirs());
const open: TestApp[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

// Đăng ký khai sinh (1.001193): tokhai, giaychungsinh, tuythan required; kethon ("… (nếu cha, mẹ
// đã đăng ký kết hôn)") and uyquyen ("… (trường hợp uỷ quyền …)") optional.
const comp = (componentId: string, name: string, state: 'received' | 'missing' | 'na'): DossierComponent => ({
  componentId,
  name,
  original: 1,
  certified: 0,
  photocopy: 0,
  received: state === 'received',
  ...(state === 'na' ? { notApplicable: true as const } : {}),
});
const BIRTH = (kethon: 'received' | 'missing' | 'na', tokhai: 'received' | 'missing' | 'na' = 'received') => [
  comp('tokhai', 'Tờ khai đăng ký khai sinh theo mẫu', tokhai),
  comp('giaychungsinh', 'Giấy chứng sinh', 'received'),
  comp('tuythan', 'Giấy tờ tuỳ thân của người đi đăng ký', 'missing'),
  comp('kethon', 'Giấy chứng nhận kết hôn của cha, mẹ', kethon),
  comp('uyquyen', 'Văn bản uỷ quyền', 'missing'),
];
const receive = (components: DossierComponent[]) => ({ procedureCode: '1.001193', applicant: APPLICANT, components, copies: 1, resultDelivery: 'counter', note: '' }) as const;

async function app() {
  const a = await openConfiguredApp({ now: () => vnTime(2026, 3, 2, 9, 0) });
  open.push(a);
  return a;
}

/** The app's events as sent on the wire (as an enrolled PC would send them). */
const wireEvents = (a: TestApp): SyncEvent[] =>
  (a.services.db.prepare(`SELECT ${OUTBOX_COLUMNS} FROM outbox ORDER BY id`).all() as OutboxRow[]).map((r) =>
    toWireEvent(r, { deviceId: '3f1c2a9e-0000-4000-8000-000000000001', unitCode: UNIT.unitCode }),
  );

const snapshot = (a: TestApp) => ({
  dossiers: a.services.db.prepare('SELECT count(*) FROM dossiers').pluck().get(),
  components: a.services.db.prepare('SELECT count(*) FROM dossier_components').pluck().get(),
  outbox: a.services.db.prepare('SELECT count(*) FROM outbox').pluck().get(),
  slips: a.services.db.prepare('SELECT count(*) FROM guidance_slips').pluck().get(),
});

describe('không áp dụng: the rules', () => {
  it('only optional papers may not apply; the row key cycles received → không áp dụng → missing', () => {
    expect(mayNotApply({ required: false, name: 'Văn bản uỷ quyền' })).toBe(true);
    expect(mayNotApply({ required: true, name: 'Tờ khai' })).toBe(false);
    expect(mayNotApply({ required: true, name: 'Giấy xác nhận (trường hợp đăng ký tại nơi khác)' })).toBe(true);
    expect(mayNotApply({ required: true, name: 'Bản sao (nếu có)' })).toBe(true);
    expect(nextComponentState('received', true)).toBe('notApplicable');
    expect(nextComponentState('notApplicable', true)).toBe('missing');
    expect(nextComponentState('missing', true)).toBe('received');
    expect(nextComponentState('received', false)).toBe('missing');
    expect(missingComponents(BIRTH('na')).map((c) => c.componentId)).toEqual(['tuythan', 'uyquyen']);
  });
});

describe('không áp dụng at the counter', () => {
  it('is recorded in the event and the projected row, shown in the detail; the timeline is the usual one', async () => {
    const a = await app();
    const d = await a.call('dossiers.receive', receive(BIRTH('na')));
    const db = a.services.db;
    expect(db.prepare('SELECT component_id, received, not_applicable FROM dossier_components WHERE dossier_id = ? ORDER BY position').raw().all(Number(d.id))).toEqual([
      ['tokhai', 1, 0],
      ['giaychungsinh', 1, 0],
      ['tuythan', 0, 0],
      ['kethon', 0, 1],
      ['uyquyen', 0, 0],
    ]);
    const detail = await a.call('dossiers.get', { id: d.id });
    expect(detail.dossier.components.find((c) => c.componentId === 'kethon')).toMatchObject({ received: false, notApplicable: true });
    expect(detail.dossier.components.find((c) => c.componentId === 'uyquyen')).not.toHaveProperty('notApplicable');
    expect(detail.events.map((e) => e.type)).toEqual(['received']);
    // On the wire: the optional field, read by the shared protocol schema the hub validates with.
    const received = wireEvents(a).find((e) => e.type === 'dossier.received')!;
    const parsed = syncEventSchema.parse(received) as Extract<SyncEvent, { type: 'dossier.received' }>;
    expect(parsed.body.components.find((c) => c.componentId === 'kethon')).toMatchObject({ notApplicable: true, received: false });
    expect(parsed.body.components.find((c) => c.componentId === 'tokhai')).not.toHaveProperty('notApplicable');
  });

  it('a received mark and a not-applicable mark: the paper is not applicable, not received', async () => {
    const a = await app();
    const d = await a.call('dossiers.receive', receive(BIRTH('na').map((c) => (c.componentId === 'kethon' ? { ...c, received: true } : c))));
    expect(a.services.db.prepare("SELECT received, not_applicable FROM dossier_components WHERE dossier_id = ? AND component_id = 'kethon'").raw().get(Number(d.id))).toEqual([0, 1]);
  });

  it('a required paper marked không áp dụng is refused in Vietnamese and changes nothing', async () => {
    const a = await app();
    const before = snapshot(a);
    const r = await a.raw('dossiers.receive', receive(BIRTH('missing', 'na')));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid');
    expect(r.error.message).toContain('Giấy tờ bắt buộc không thể đánh dấu "không áp dụng": Tờ khai đăng ký khai sinh theo mẫu');
    const g = await a.raw('guidance.create', { procedureCode: '1.001193', applicant: APPLICANT, missing: BIRTH('missing', 'na').filter((c) => !c.received), reason: 'Thiếu giấy tờ' });
    expect(g.ok).toBe(false);
    if (!g.ok) expect(g.error.message).toContain('Tờ khai đăng ký khai sinh theo mẫu');
    // A paper the procedure does not list cannot be marked either.
    const u = await a.raw('dossiers.receive', receive([...BIRTH('received'), { ...comp('khac', 'Giấy khác', 'na') }]));
    expect(u.ok).toBe(false);
    expect(snapshot(a)).toEqual(before);
  });

  it('Mẫu 02 lists only what applies and is missing', async () => {
    const a = await app();
    const missing = BIRTH('na').filter((c) => !c.received);
    const slip = await a.call('guidance.create', { procedureCode: '1.001193', applicant: APPLICANT, missing, reason: 'Thiếu giấy tờ tuỳ thân' });
    expect(slip.missing.map((c) => c.componentId)).toEqual(['tuythan', 'uyquyen']);
    const form = await a.call('forms.render', { kind: 'mau02', id: slip.id });
    const pdf = path.join(a.dir, 'mau02.pdf');
    fs.writeFileSync(pdf, a.services.files.read(form.url)!.body);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('Giấy tờ tuỳ thân');
    expect(text).toContain('Văn bản uỷ quyền');
    expect(text).not.toContain('Giấy chứng nhận kết hôn');
    // Every paper marked không áp dụng: nothing is missing, no slip.
    const before = snapshot(a);
    const none = await a.raw('guidance.create', { procedureCode: '1.001193', applicant: APPLICANT, missing: missing.filter((c) => c.notApplicable), reason: 'x' });
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none.error.message).toContain('không áp dụng');
    expect(snapshot(a)).toEqual(before);
  });

  it('the national record never sends a not-applicable paper as handed in', async () => {
    const a = await app();
    await a.call('dossiers.receive', receive(BIRTH('na')));
    const rec = wireEvents(a).find((e) => e.type === 'dossier.received')!;
    const page = (n: number, componentId: string): SyncEvent => ({
      ...rec,
      eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      seq: rec.seq + n,
      at: rec.at + n,
      type: 'dossier.file_attached',
      body: { sha256: String(n).repeat(64).slice(0, 64), size: 1000, mime: 'image/webp', componentId, page: 1 },
    });
    const state = deriveDossier([rec, page(1, 'tokhai'), page(2, 'kethon')]).state!;
    const out = toDongBoHoSoMC(state, { unitCode: rec.unitCode, unitName: 'UBND xã' });
    expect(out.TaiLieuNop.map((f) => f.MaThanhPhanHoSo)).toEqual(['tokhai']);
  });
});
