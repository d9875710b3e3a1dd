// Review of digitised documents (TrangThaiSoHoa), their document data, and results reused by
// later dossiers (component state 3), on real SQLite files with a fake OCR engine (the text
// is given, so the suggestions from it are checked exactly). The national mapping is checked
// on the outbox events the device would push.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/services/db/database';
import { MIGRATIONS } from '../../electron/services/db/migrations';
import { findNgayBanHanh, findSoKyHieu } from '../../electron/services/pages/review';
import { REUSE_CANDIDATES_SQL } from '../../electron/services/pages/reuse';
import { PAGE_MESSAGES as M } from '../../electron/services/pages/messages';
import { toWireEvent } from '../../electron/services/events/outbox';
import { toDongBoHoSoMC } from '../../shared/national/records';
import { deriveDossier } from '../../shared/sync/derive';
import { syncEventSchema, type SyncEvent } from '../../shared/sync/protocol';
import type { CallInput } from '../../shared/ipc/contract';
import { removeTempDirs, tempDir } from '../electron/helpers/services';
import { fakeEngine, newDossier, openPagesApp, textPage, type PagesApp } from './helpers';

const OCR_TEXT = 'UBND XÃ ĐỊNH MỸ Số: 12/2023/TLKS-BS Định Mỹ, ngày 05 tháng 4 năm 2023 TRÍCH LỤC KHAI SINH sinh ngày 01 tháng 02 năm 1990';
const DATA = { soKyHieu: '', ngayBanHanh: '', coQuanBanHanh: '', nguoiKy: '', trichYeu: '', hieuLucDen: '', vinhVien: false };

describe('review, document data and results', () => {
  let app: PagesApp;
  let png: Buffer;

  beforeAll(async () => {
    const { engine } = fakeEngine(5, OCR_TEXT);
    app = await openPagesApp({ engine: async () => engine });
    png = await textPage('Trich luc', 400, 560);
  });

  afterAll(async () => {
    await app?.close();
    removeTempDirs();
  });

  const addPage = async (dossierId: string, componentId: string) => {
    const [p] = await app.call('pages.add', { dossierId, componentId, files: [{ name: 'trang.png', dataBase64: png.toString('base64') }] });
    await app.services.ocr.whenIdle();
    return p;
  };
  const save = (input: Omit<CallInput<'review.save'>, 'data'> & { data?: Partial<typeof DATA> }) => app.raw('review.save', { ...input, data: { ...DATA, ...input.data } });
  const snapshot = () => ({
    docs: app.services.db.prepare('SELECT * FROM digitised_documents ORDER BY dossier_id, component_id').all(),
    states: app.services.db.prepare('SELECT id, review_state FROM pages ORDER BY id').all(),
  });

  it('suggests SoKyHieu and NgayBanHanh from the OCR text, validates the document data and changes nothing on bad input', async () => {
    const d = await newDossier(app);
    await addPage(d.id, 'banchinh');
    const pending = await app.call('review.pending', {});
    expect(pending.find((x) => x.dossierId === d.id)).toMatchObject({ componentId: 'banchinh', name: 'Bản chính giấy tờ', kind: 'component', pageCount: 1, dossierCode: d.code });

    const r = await app.call('review.get', { dossierId: d.id, componentId: 'banchinh' });
    expect(r.state).toBe(0);
    expect(r.pages[0].text).toBe(OCR_TEXT);
    // The place-and-date line wins over the birth date in the body.
    expect(r.data).toMatchObject({ soKyHieu: '12/2023/TLKS-BS', ngayBanHanh: '2023-04-05' });
    expect(r.suggested.sort()).toEqual(['ngayBanHanh', 'soKyHieu']);

    const before = snapshot();
    const bad: [Partial<typeof DATA> | undefined, string | undefined, string][] = [
      [{ ngayBanHanh: '31/02/2023' }, 'approve', 'Ngày ban hành "31/02/2023" không hợp lệ'],
      [{ ngayBanHanh: '05/13/2023' }, 'approve', 'Ngày ban hành "05/13/2023" không hợp lệ'],
      [{ ngayBanHanh: '01/01/2999' }, 'approve', 'Ngày ban hành không được sau ngày hôm nay.'],
      [{ hieuLucDen: '30/02/2030' }, undefined, 'Thời hạn hiệu lực "30/02/2030" không hợp lệ'],
      [{ ngayBanHanh: '05/04/2023', hieuLucDen: '01/01/2020' }, 'approve', 'Thời hạn hiệu lực không được trước ngày ban hành.'],
      [{ hieuLucDen: '01/01/2030', vinhVien: true }, 'approve', 'vĩnh viễn thì không ghi thời hạn hiệu lực'],
      [{ soKyHieu: 'x'.repeat(51) }, 'approve', 'Số, ký hiệu: dài quá 50 ký tự.'],
      [{ trichYeu: 'y'.repeat(1001) }, undefined, 'Trích yếu nội dung: dài quá 1000 ký tự.'],
      [undefined, 'reject', 'Không duyệt: hãy ghi lý do.'],
    ];
    for (const [data, decision, message] of bad) {
      const res = await save({ dossierId: d.id, componentId: 'banchinh', decision: decision as 'approve' | undefined, data });
      expect(res.ok, message).toBe(false);
      if (!res.ok) {
        expect(res.error.code).toBe('invalid');
        expect(res.error.message).toContain(message);
      }
    }
    const unknown = await save({ dossierId: d.id, componentId: 'khongco', decision: 'approve' });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.message).toBe(M.componentNotFound('khongco'));
    const empty = await save({ dossierId: d.id, componentId: 'tokhai', decision: 'approve' });
    expect(empty.ok).toBe(false);
    if (!empty.ok) expect(empty.error.message).toBe(M.reviewNoPages);
    expect(snapshot()).toEqual(before);
  });

  it('approve / reject / approve: every page of the document, the reason, NFC data; a page added later is pending again', async () => {
    const d = await newDossier(app);
    await addPage(d.id, 'banchinh');
    await addPage(d.id, 'banchinh');
    const nfd = 'UBND xã Định Mỹ'.normalize('NFD');
    const approved = await save({
      dossierId: d.id,
      componentId: 'banchinh',
      decision: 'approve',
      data: { soKyHieu: ' 12/2023/TLKS-BS ', ngayBanHanh: '5/4/2023', coQuanBanHanh: nfd, nguoiKy: 'Lê Văn  Tám', vinhVien: true },
    });
    expect(approved.ok).toBe(true);
    let r = await app.call('review.get', { dossierId: d.id, componentId: 'banchinh' });
    expect(r).toMatchObject({ state: 1, reviewedBy: 'Nguyễn Thị Lan', reason: '', suggested: [] });
    expect(r.data).toEqual({ ...DATA, soKyHieu: '12/2023/TLKS-BS', ngayBanHanh: '2023-04-05', coQuanBanHanh: 'UBND xã Định Mỹ', nguoiKy: 'Lê Văn Tám', vinhVien: true });
    expect(r.data.coQuanBanHanh).toBe(r.data.coQuanBanHanh.normalize('NFC'));
    expect(r.pages.map((p) => p.page.reviewState)).toEqual([1, 1]);
    expect((await app.call('review.pending', {})).some((x) => x.dossierId === d.id)).toBe(false);

    await save({ dossierId: d.id, componentId: 'banchinh', decision: 'reject', reason: 'Ảnh mờ, không đọc được số', data: r.data });
    r = await app.call('review.get', { dossierId: d.id, componentId: 'banchinh' });
    expect(r).toMatchObject({ state: 2, reason: 'Ảnh mờ, không đọc được số' });
    expect(r.pages.map((p) => p.page.reviewState)).toEqual([2, 2]);
    const list = await app.call('pages.list', { dossierId: d.id });
    expect(list.pages.every((p) => p.reviewState === 2)).toBe(true);

    await save({ dossierId: d.id, componentId: 'banchinh', decision: 'approve', data: r.data });
    expect(await app.call('review.get', { dossierId: d.id, componentId: 'banchinh' })).toMatchObject({ state: 1, reason: '' });

    // A page scanned after the review: the document waits for review again.
    await addPage(d.id, 'banchinh');
    r = await app.call('review.get', { dossierId: d.id, componentId: 'banchinh' });
    expect(r.state).toBe(0);
    expect(r.data.soKyHieu).toBe('12/2023/TLKS-BS');
    expect((await app.call('review.pending', {})).find((x) => x.dossierId === d.id)).toMatchObject({ componentId: 'banchinh', pageCount: 3 });
  });

  it('reuse offers only approved papers, and refuses to attach one that is not approved', async () => {
    const citizen = { fullName: 'Phạm Thị Mai', idNumber: '079192001122', birthDate: '1992-03-04', address: 'TP. Hồ Chí Minh', phone: '', email: '' };
    const first = await newDossier(app, { applicant: citizen });
    await addPage(first.id, 'banchinh');
    const next = await newDossier(app, { applicant: citizen });
    const offered = async () => (await app.call('reuse.candidates', { idNumber: citizen.idNumber, excludeDossierId: next.id })).map((c) => c.componentId);
    expect(await offered()).toEqual([]);
    const attach = () => app.raw('reuse.attach', { dossierId: next.id, componentId: 'banchinh', sourceDossierId: first.id, sourceComponentId: 'banchinh' });
    const refused = await attach();
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toBe(M.reuseNotApproved);
    expect((await app.call('pages.list', { dossierId: next.id })).pages).toEqual([]);

    await save({ dossierId: first.id, componentId: 'banchinh', decision: 'reject', reason: 'Thiếu trang', data: {} });
    expect(await offered()).toEqual([]);
    await save({ dossierId: first.id, componentId: 'banchinh', decision: 'approve', data: { soKyHieu: '7/2020/TLKS' } });
    expect(await offered()).toEqual(['banchinh']);
    expect((await attach()).ok).toBe(true);
    const list = await app.call('pages.list', { dossierId: next.id });
    expect(list.components.find((c) => c.componentId === 'banchinh')).toMatchObject({ state: 2, sourceDossierCode: first.code });
    // The same paper: already approved, with its document data.
    expect(await app.call('review.get', { dossierId: next.id, componentId: 'banchinh' })).toMatchObject({ state: 1, data: { soKyHieu: '7/2020/TLKS' } });
  });

  it('results: digitised when done, offered to the same citizen\'s next dossier as "Kết quả của hồ sơ", attached with state 3 and DuocTaiSuDung 2', async () => {
    const citizen = { fullName: 'Trần Văn Nam', idNumber: '001090004455', birthDate: '1990-07-08', address: 'Hà Nội', phone: '', email: '' };
    const a = await newDossier(app, { applicant: citizen });
    const early = await app.raw('results.add', { dossierId: a.id, name: 'Trích lục khai sinh' });
    expect(early.ok).toBe(false);
    if (!early.ok) expect(early.error.message).toBe(M.resultNotDone);
    const blank = await app.raw('results.add', { dossierId: a.id, name: '   ' });
    expect(blank.ok).toBe(false);
    await app.call('dossiers.transition', { id: a.id, to: 4 });
    await app.call('dossiers.transition', { id: a.id, to: 9 });
    const results = await app.call('results.add', { dossierId: a.id, name: 'Trích lục khai sinh' });
    expect(results).toEqual([expect.objectContaining({ resultId: 'KQ1', name: 'Trích lục khai sinh', pageCount: 0, reviewState: null })]);
    const dup = await app.raw('results.add', { dossierId: a.id, name: 'trích lục KHAI SINH' });
    expect(dup.ok).toBe(false);

    // Any capture path takes the result as its target (pages.add here; the scanner and the scan folder check the same way).
    const page = await addPage(a.id, 'KQ1');
    expect(page.componentId).toBe('KQ1');
    expect((await app.call('results.list', { dossierId: a.id }))[0]).toMatchObject({ pageCount: 1, reviewState: 0 });
    expect((await app.call('review.pending', {})).find((x) => x.dossierId === a.id)).toMatchObject({ componentId: 'KQ1', kind: 'result', name: 'Trích lục khai sinh' });

    const b = await newDossier(app, { applicant: citizen });
    const offered = async () => app.call('reuse.candidates', { idNumber: citizen.idNumber, excludeDossierId: b.id });
    expect(await offered()).toEqual([]); // not approved yet
    await save({ dossierId: a.id, componentId: 'KQ1', decision: 'approve', data: { soKyHieu: '12/2023/TLKS-BS', ngayBanHanh: '05/04/2023', vinhVien: true } });
    const [cand] = await offered();
    expect(cand).toMatchObject({ kind: 'result', dossierId: a.id, dossierCode: a.code, componentId: 'KQ1', componentName: 'Trích lục khai sinh', pageCount: 1 });
    // Another citizen is not offered it.
    expect(await app.call('reuse.candidates', { idNumber: '089190012345' })).not.toContainEqual(expect.objectContaining({ dossierId: a.id }));

    await app.call('reuse.attach', { dossierId: b.id, componentId: 'tokhai', sourceDossierId: a.id, sourceComponentId: 'KQ1' });
    const list = await app.call('pages.list', { dossierId: b.id });
    expect(list.components.find((c) => c.componentId === 'tokhai')).toMatchObject({ state: 3, sourceDossierCode: a.code, pageCount: 1 });
    expect(list.pages[0]).toMatchObject({ source: 'reuse', reusedFromPageId: page.id, reviewState: 1, sha256: page.sha256 });
    const ev = (await app.call('dossiers.get', { id: b.id })).events.find((e) => e.type === 'reused')!;
    expect(ev.note).toContain(`kết quả của hồ sơ ${a.code}`);
    expect(await app.call('review.get', { dossierId: b.id, componentId: 'tokhai' })).toMatchObject({ state: 1, data: { soKyHieu: '12/2023/TLKS-BS', ngayBanHanh: '2023-04-05', vinhVien: true } });

    // What the device pushes: the result page carries its name, the reused page state 3; the
    // national record lists the result under DanhSachGiayToKetQua and maps 3 → DuocTaiSuDung 2.
    const national = (dossierId: string) => {
      const rows = app.services.db
        .prepare(
          `SELECT o.id, o.event_id AS eventId, o.stream, o.type, o.at, o.actor, o.body FROM outbox o
           JOIN dossiers d ON d.uid = o.stream WHERE d.id = ? ORDER BY o.id`,
        )
        .all(Number(dossierId)) as Parameters<typeof toWireEvent>[0][];
      const events = rows.map((r) => toWireEvent(r, { deviceId: 'dev-1', unitCode: '000.00.13.H12' }));
      for (const e of events) expect(syncEventSchema.safeParse(e).success, JSON.stringify(e.body)).toBe(true);
      return { events, record: toDongBoHoSoMC(deriveDossier(events.map((e) => syncEventSchema.parse(e) as SyncEvent)).state!, { unitCode: '000.00.13.H12', unitName: 'Xã Định Mỹ' }) };
    };
    const na = national(a.id);
    expect(na.events.find((e) => e.type === 'dossier.file_attached')!.body).toMatchObject({ componentId: 'KQ1', resultName: 'Trích lục khai sinh' });
    expect(na.record.TaiLieuNop).toEqual([]);
    expect(na.record.DanhSachGiayToKetQua).toEqual([
      { TenGiayTo: 'Trích lục khai sinh - trang 1', MaThanhPhanHoSo: 'KQ1', GiayToId: expect.stringMatching(/^[0-9a-f]{64}$/), DuongDanTepTinKetQua: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
    const nb = national(b.id);
    expect(nb.events.find((e) => e.type === 'dossier.file_attached')!.body).toMatchObject({ componentId: 'tokhai', reuse: 3 });
    expect(nb.record.TaiLieuNop).toEqual([expect.objectContaining({ MaThanhPhanHoSo: 'tokhai', DuocSoHoa: 1, DuocTaiSuDung: 2 })]);
  });
});

describe('migration 5', () => {
  it('brings a version-4 file with pages to the review tables; its unreviewed pages are pending', () => {
    const file = `${tempDir('motcua-mig5-')}/m.sqlite`;
    const v4 = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version <= 4) });
    v4.prepare(
      `INSERT INTO dossiers (code, unit_code, procedure_code, procedure_name, field_code, field_name, applicant_name, id_number, birth_date,
         address, phone, email, copies, channel, result_delivery, status, received_at, received_by, note, reason, updated_at, register_book, register_no)
       VALUES ('U.1-260101-1001', 'U.1', 'p', 'P', 'f', 'F', 'A', '', '', '', '', '', 1, 1, 'counter', 2, 0, 'x', '', '', 0, 2026, 1)`,
    ).run();
    v4.prepare(`INSERT INTO dossier_components VALUES (1, 1, 'banchinh', 'Bản chính', 1, 0, 0, 1)`).run();
    v4.prepare(
      `INSERT INTO pages (dossier_id, component_id, position, sha256, mime, byte_size, width, height, source, compact_sha256, compact_size, thumb, created_at, digitised_by, digitised_at)
       VALUES (1, 'banchinh', 1, 'a', 'image/png', 1, 1, 1, 'file', 'b', 1, 'c', 0, 'x', 0)`,
    ).run();
    v4.close();
    // Up to migration 5 (migration 9 drops the trigger tested below: pages' events come from code).
    const db = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version <= 5) });
    expect(db.pragma('user_version', { simple: true })).toBe(5);
    expect(db.prepare('SELECT count(*) FROM digitised_documents').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM dossier_results').pluck().get()).toBe(0);
    const plan = (
      db.prepare('EXPLAIN QUERY PLAN SELECT dossier_id, component_id FROM pages WHERE review_state = 0 AND deleted_at IS NULL GROUP BY dossier_id, component_id').all() as { detail: string }[]
    )
      .map((r) => r.detail)
      .join(' ');
    expect(plan).toContain('pages_review_pending');
    expect(db.prepare('SELECT count(*) FROM pages WHERE review_state = 0 AND deleted_at IS NULL').pluck().get()).toBe(1);
    // The remade sync trigger still queues the page event, with the plain body for a plain page.
    db.prepare(
      `INSERT INTO pages (dossier_id, component_id, position, sha256, mime, byte_size, width, height, source, compact_sha256, compact_size, thumb, created_at, digitised_by, digitised_at)
       VALUES (1, 'banchinh', 2, 'a', 'image/png', 1, 1, 1, 'file', 'b', 1, 'c', 0, 'x', 0)`,
    ).run();
    expect(JSON.parse(db.prepare("SELECT body FROM outbox WHERE type = 'dossier.file_attached' ORDER BY id DESC").pluck().get() as string)).toEqual({
      sha256: 'b',
      size: 1,
      mime: 'image/png',
      componentId: 'banchinh',
      page: 2,
    });
    db.close();
  });
});

describe('suggestions from OCR text (generic patterns)', () => {
  const today = '2026-03-02';
  it('finds the number and symbol after "Số:" and not a body mention with a lower-case "số"', () => {
    expect(findSoKyHieu('CỘNG HOÀ XÃ HỘI\nSố: 45 / QĐ-UBND\nVề việc')).toBe('45/QĐ-UBND');
    expect(findSoKyHieu('SỐ: 1367/TTg-KSTT')).toBe('1367/TTg-KSTT');
    expect(findSoKyHieu('Số 07/2024/GCN-HT.\nnội dung')).toBe('07/2024/GCN-HT');
    expect(findSoKyHieu('theo Quyết định số 27/2019/QĐ-UBND ngày 30/8/2019')).toBeNull();
    expect(findSoKyHieu('Số: /UBND-VP (chưa ghi số)')).toBeNull();
    expect(findSoKyHieu('Quyển số: 01/2023')).toBeNull();
  });
  it('prefers the place-and-date line, reads dd/mm/yyyy, survives lost diacritics, skips impossible and future dates', () => {
    expect(findNgayBanHanh('sinh ngày 01 tháng 02 năm 1990\nHà Tĩnh, ngày 18 tháng 9 năm 2017', today)).toBe('2017-09-18');
    expect(findNgayBanHanh('Cap ngay 5 thang 4 nam 2023', today)).toBe('2023-04-05');
    expect(findNgayBanHanh('ký ngày 22/4/2021 tại', today)).toBe('2021-04-22');
    expect(findNgayBanHanh('ngày 30 tháng 02 năm 2023, Hà Nội, ngày 31 tháng 12 năm 2099', today)).toBeNull();
    expect(findNgayBanHanh('không có ngày', today)).toBeNull();
  });
});

describe('migration 8', () => {
  it("the reuse lookup at intake finds a citizen's dossiers through dossiers_id_number, not a scan of every dossier", () => {
    const db = openDatabase(`${tempDir('motcua-mig8-')}/m.sqlite`);
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${REUSE_CANDIDATES_SQL}`).all('001099012345', 0, 50) as { detail: string }[]).map((r) => r.detail);
    expect(plan.join(' | ')).toContain('USING INDEX dossiers_id_number');
    expect(plan.some((d) => /^SCAN d\b/.test(d))).toBe(false);
    db.close();
  });
});
