// dossier.document_reviewed: the review decision (TrangThaiSoHoa) and document data of a
// digitised paper travel as an event; the derived state holds the last decision per paper by
// (at, eventId), whatever the arrival order, and the wire schema refuses bad bodies.
import { describe, expect, it } from 'vitest';
import { deriveDossier, canonicalJson } from '../../shared/sync/derive';
import { syncEventSchema, describeZodError, type SyncEvent } from '../../shared/sync/protocol';
import { permutations, twoClerks } from '../sync-support/events';
import { vnTime } from '../../shared/domain/vnTime';

const UNIT = '000.00.13.H12';
const T0 = vnTime(2026, 11, 23, 8, 0);
const DATA = { soKyHieu: '12/2026/GCS', ngayBanHanh: '2026-11-02', coQuanBanHanh: 'Bệnh viện huyện', nguoiKy: 'Lê Văn Tâm', trichYeu: 'Giấy chứng sinh', hieuLucDen: '', vinhVien: true };

describe('dossier.document_reviewed', () => {
  it('the last decision per paper by (at, eventId) wins, the same in every arrival order', () => {
    const { a, b } = twoClerks(UNIT, T0);
    const rec = a.received('d1');
    const rejectedByA = a.reviewed('d1', 'chungsinh', 2, { reason: 'Ảnh mờ, chụp lại' }, T0 + 600_000);
    const approvedByB = b.reviewed('d1', 'chungsinh', 1, { data: DATA }, T0 + 700_000); // later: wins
    const tokhai = a.reviewed('d1', 'tokhai', 1, {}, T0 + 800_000);
    // Same instant as B's decision on another device: the event id breaks the tie.
    const tie = { ...a.reviewed('d1', 'tokhai', 2, { reason: 'Thiếu chữ ký' }), at: tokhai.at } as SyncEvent;
    const evs = [rec, rejectedByA, approvedByB, tokhai, tie];

    const reference = deriveDossier(evs);
    const docs = reference.state!.documents;
    expect(docs.map((d) => [d.componentId, d.state, d.eventId])).toEqual([
      ['chungsinh', 1, approvedByB.eventId],
      ['tokhai', tie.eventId > tokhai.eventId ? 2 : 1, tie.eventId > tokhai.eventId ? tie.eventId : tokhai.eventId],
    ]);
    expect(docs[0]).toMatchObject({ data: DATA, reviewedBy: 'Clerk B', deviceId: 'dev-b', at: approvedByB.at, reason: '' });
    expect(reference.state!.updatedAt).toBe(Math.max(...evs.map((e) => e.at)));
    expect(reference.conflicts).toEqual([]);
    const ref = canonicalJson(reference);
    let n = 0;
    for (const p of permutations(evs)) {
      expect(canonicalJson(deriveDossier(p))).toBe(ref);
      n++;
    }
    expect(n).toBe(120);
    expect(canonicalJson(deriveDossier([approvedByB, ...evs, rejectedByA]))).toBe(ref); // resends change nothing
    // Without a decision the paper has none (pending), and a decision before the receipt waits for it.
    expect(deriveDossier([rec]).state!.documents).toEqual([]);
    expect(deriveDossier([approvedByB]).state).toBeNull();
  });

  it('the wire schema takes a valid decision and refuses impossible dates, over-long fields, a rejection without reason, another state', () => {
    const { a } = twoClerks(UNIT, T0);
    const ok = a.reviewed('d1', 'chungsinh', 1, { data: DATA });
    expect(syncEventSchema.safeParse(ok).success).toBe(true);
    const bad = (over: object) => {
      const e = { ...ok, body: { ...(ok as { body: object }).body, ...over } };
      const r = syncEventSchema.safeParse(e);
      return r.success ? null : describeZodError(r.error);
    };
    expect(bad({ data: { ...DATA, ngayBanHanh: '2026-02-30' } })).toMatch(/Ngày không có thật/);
    expect(bad({ data: { ...DATA, hieuLucDen: '02/11/2026' } })).toMatch(/yyyy-mm-dd/);
    expect(bad({ data: { ...DATA, soKyHieu: 'x'.repeat(51) } })).toMatch(/Số, ký hiệu: dài quá 50/);
    expect(bad({ state: 2, reason: ' ' })).toMatch(/phải có lý do/);
    expect(bad({ state: 0 })).toMatch(/Trạng thái duyệt/);
    expect(bad({ data: { ...DATA, vinhVien: 'có' } })).toMatch(/vĩnh viễn/);
  });
});
