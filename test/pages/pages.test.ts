// Digitised pages end to end on real files, real SQLite and real tesseract (one sample page
// OCRed once for the whole file): storage by content hash, multi-page TIFF, a PDF with a
// text layer, the OCR queue, search by a word of a scanned page, the clerk's correction,
// the searchable PDF read back with pdftotext, page operations, reuse.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cer } from '../../electron/services/ocr/cer';
import { addPages } from '../../electron/services/pages/index';
import { removeTempDirs } from '../electron/helpers/services';
import { filesUnder, multiPageTiff, newDossier, openPagesApp, sample, textPage, textPdf, type PagesApp } from './helpers';

const SCAN = 'dev002-p1-scan.jpg';

describe('digitised pages (real OCR)', () => {
  let app: PagesApp;
  let dossierId: string;
  let otherId: string;
  let pageId: string;
  let ocrMs = 0;
  let importMs = 0;

  beforeAll(async () => {
    app = await openPagesApp();
    dossierId = (await newDossier(app)).id;
    otherId = (await newDossier(app, { applicant: { fullName: 'Lê Văn Bình', idNumber: '001085012345', birthDate: '1985-02-03', address: 'Hà Nội', phone: '', email: '' } })).id;
    const t0 = performance.now();
    const [p] = await app.call('pages.add', {
      dossierId,
      componentId: 'banchinh',
      files: [{ name: 'trang-1.jpg', dataBase64: sample(SCAN).toString('base64') }],
    });
    importMs = performance.now() - t0;
    pageId = p.id;
    const t1 = performance.now();
    await app.services.ocr.whenIdle();
    ocrMs = performance.now() - t1;
  }, 180_000);

  afterAll(async () => {
    console.log(`[pages] import ${importMs.toFixed(0)} ms/page (one 300 dpi JPEG scan), OCR ${ocrMs.toFixed(0)} ms (incl. pool start)`);
    await app?.close();
    removeTempDirs();
  });

  it('stores the page, its compact copy (< 150 KB) and thumbnail once by hash, with digitisation metadata', async () => {
    const list = await app.call('pages.list', { dossierId });
    expect(list.pages).toHaveLength(1);
    const p = list.pages[0];
    expect(p.fileName).toBe('trang-1.jpg');
    expect(p.mime).toBe('image/jpeg');
    expect(p.digitisedBy).toBe('Nguyễn Thị Lan');
    expect(p.source).toBe('file');
    expect(p.compactSize).toBeLessThan(150 * 1024);
    expect(list.components.find((c) => c.componentId === 'banchinh')).toMatchObject({ state: 1, pageCount: 1 });
    expect(list.components.find((c) => c.componentId === 'tokhai')).toMatchObject({ state: 0, pageCount: 0 });
    const file = path.join(app.dir, 'pages', p.sha256.slice(0, 2), p.sha256.slice(2, 4), `${p.sha256}.jpg`);
    expect(fs.readFileSync(file).equals(sample(SCAN))).toBe(true);

    // The same file again (another component): a second row, no second blob.
    const before = filesUnder(path.join(app.dir, 'pages'));
    const again = await addPages(app.services.pages, {
      dossierId,
      componentId: 'tokhai',
      images: [{ data: sample(SCAN), fileName: 'lai.jpg' }],
      source: 'scanner',
      actor: 'Trần Văn Quét',
    });
    expect(again[0].sha256).toBe(p.sha256);
    expect(filesUnder(path.join(app.dir, 'pages'))).toEqual(before);
    expect(before).toHaveLength(3); // original, compact copy, thumbnail
    await app.call('ocr.cancel', { pageId: again[0].id });
    await app.call('pages.delete', { pageId: again[0].id });
  });

  it('OCRs the page through the persisted queue; text with word boxes and confidence', async () => {
    const st = await app.call('ocr.status', { dossierId });
    expect(st.pages.find((x) => x.pageId === pageId)).toMatchObject({ state: 'done', progress: 1 });
    const t = await app.call('pages.text', { pageId });
    expect(t.source).toBe('ocr');
    expect(t.text).toContain('chấn chỉnh');
    expect(t.confidence).toBeGreaterThan(70);
    expect(t.words.length).toBeGreaterThan(100);
    const w = t.words[0];
    expect(w.bbox.x1).toBeGreaterThan(w.bbox.x0);
  });

  it('search finds the dossier by a word only on its scanned page, without diacritics; the correction is what search uses', async () => {
    const byPage = await app.call('dossiers.list', { query: 'chan chinh' });
    expect(byPage.items.map((i) => i.id)).toEqual([dossierId]);
    expect(byPage.total).toBe(1);
    // The name search still works and is not disturbed.
    expect((await app.call('dossiers.list', { query: 'binh' })).items.map((i) => i.id)).toEqual([otherId]);
    expect((await app.call('dossiers.list', { query: 'dang hong' })).items.map((i) => i.id)).toEqual([dossierId]);
    // A correction replaces the recognised text in search.
    const t = await app.call('pages.text', { pageId });
    await app.call('pages.saveText', { pageId, text: t.text.replace(/chấn chỉnh/g, 'chấn chỉnh') + '\nthửnghiệmsửalỗi' });
    expect((await app.call('dossiers.list', { query: 'thunghiemsualoi' })).items.map((i) => i.id)).toEqual([dossierId]);
    const saved = await app.call('pages.text', { pageId });
    expect(saved.correctedBy).toBe('Nguyễn Thị Lan');
    expect(saved.text).toBe(t.text);
    // Back to the recognised text for the PDF round trip below.
    await app.call('pages.saveText', { pageId, text: t.text });
  });

  it('exports a searchable PDF whose pdftotext output matches the OCR text (CER < 2 %)', async () => {
    const r = await app.call('pages.exportPdf', { dossierId, componentId: 'banchinh' });
    expect(r.pageCount).toBe(1);
    expect(fs.existsSync(r.savedPath)).toBe(true);
    const file = path.join(app.dir, 'roundtrip.pdf');
    fs.writeFileSync(file, app.bytes(r));
    // -raw: content-stream order, i.e. the order the words were recognised in.
    const extracted = execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    const t = await app.call('pages.text', { pageId });
    const e = cer(t.text, extracted);
    console.log(`[pages] searchable PDF round trip CER ${(e * 100).toFixed(2)} %`);
    expect(e).toBeLessThan(0.02);
    // The page image fills the page at its resolution (A4 at 300 dpi → 595 × 842 pt).
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    const m = /Page size:\s+([\d.]+) x ([\d.]+)/.exec(info)!;
    expect(Math.abs(Number(m[1]) - 595)).toBeLessThan(15);
    expect(Math.abs(Number(m[2]) - 842)).toBeLessThan(15);
  });

  it('splits a multi-page TIFF into pages; reorders, rotates (metadata only) and deletes softly', async () => {
    const tiff = await multiPageTiff([await textPage('Trang một'), await textPage('Trang hai'), await textPage('Trang ba')]);
    const added = await app.call('pages.add', { dossierId: otherId, componentId: 'tokhai', files: [{ name: 'ho-so.tif', dataBase64: tiff.toString('base64') }] });
    expect(added).toHaveLength(3);
    expect(added.map((p) => p.position)).toEqual([1, 2, 3]);
    expect(new Set(added.map((p) => p.sha256)).size).toBe(3);
    await app.call('ocr.cancel', { dossierId: otherId });
    const st = await app.call('ocr.status', { dossierId: otherId });
    expect(st.counts.cancelled).toBe(3);

    const order = [added[2].id, added[0].id, added[1].id];
    const re = await app.call('pages.reorder', { dossierId: otherId, componentId: 'tokhai', pageIds: order });
    expect(re.map((p) => p.id)).toEqual(order);
    const bad = await app.raw('pages.reorder', { dossierId: otherId, componentId: 'tokhai', pageIds: [added[0].id] });
    expect(bad.ok).toBe(false);

    const original = await app.call('pages.image', { pageId: added[0].id, variant: 'original' });
    const rotated = await app.call('pages.rotate', { pageId: added[0].id, rotation: 90 });
    expect(rotated.rotation).toBe(90);
    expect(app.bytes(await app.call('pages.image', { pageId: added[0].id, variant: 'original' }))).toEqual(app.bytes(original));
    const display = await app.call('pages.image', { pageId: added[0].id, variant: 'display' });
    const sharp = (await import('sharp')).default;
    const meta = await sharp(app.bytes(display)).metadata();
    expect([meta.width, meta.height]).toEqual([1754, 1240]);

    await app.call('pages.delete', { pageId: added[1].id });
    const after = await app.call('pages.list', { dossierId: otherId, componentId: 'tokhai' });
    expect(after.pages.map((p) => p.id)).toEqual([added[2].id, added[0].id]);
    expect((await app.raw('pages.text', { pageId: added[1].id })).ok).toBe(false);
  });

  it('imports a PDF with a text layer: its own text is used, no OCR job', async () => {
    const pdf = await textPdf(['Giấy xác nhận tình trạng hôn nhân', 'Ông Nguyễn Văn Đức, thường trú tại xã Định Mỹ']);
    const [p] = await app.call('pages.add', { dossierId: otherId, componentId: 'banchinh', files: [{ name: 'xac-nhan.pdf', dataBase64: pdf.toString('base64') }] });
    expect(p.ocr).toBeNull();
    expect(p.hasText).toBe(true);
    expect(p.mime).toBe('image/png');
    const t = await app.call('pages.text', { pageId: p.id });
    expect(t.source).toBe('pdf');
    expect(t.text).toContain('Giấy xác nhận tình trạng hôn nhân');
    expect(t.text).toContain('Nguyễn Văn Đức');
    expect((await app.call('dossiers.list', { query: 'hon nhan' })).items.map((i) => i.id)).toEqual([otherId]);
  });

  it('reuse: candidates of the citizen, attach points at the same hashes, state 2 and a timeline event', async () => {
    const next = await newDossier(app);
    // Only approved papers are offered (review.test.ts covers the other states).
    const doc = await app.call('review.get', { dossierId, componentId: 'banchinh' });
    await app.call('review.save', { dossierId, componentId: 'banchinh', decision: 'approve', data: doc.data });
    const cands = await app.call('reuse.candidates', { idNumber: '089190012345', excludeDossierId: next.id });
    const c = cands.find((x) => x.dossierId === dossierId && x.componentId === 'banchinh')!;
    expect(c).toMatchObject({ componentName: 'Bản chính giấy tờ', pageCount: 1, procedureCode: '2.000815' });
    expect(c.dossierCode).toMatch(/^000\.00\.13\.H12-/);
    expect(c.thumbnails).toHaveLength(1);
    const blobs = filesUnder(path.join(app.dir, 'pages'));
    const attached = await app.call('reuse.attach', { dossierId: next.id, componentId: 'banchinh', sourceDossierId: dossierId, sourceComponentId: 'banchinh' });
    expect(attached).toHaveLength(1);
    expect(attached[0]).toMatchObject({ source: 'reuse', reusedFromPageId: pageId, hasText: true });
    expect(filesUnder(path.join(app.dir, 'pages'))).toEqual(blobs);
    const list = await app.call('pages.list', { dossierId: next.id });
    expect(list.components.find((x) => x.componentId === 'banchinh')).toMatchObject({ state: 2, pageCount: 1 });
    const detail = await app.call('dossiers.get', { id: next.id });
    const ev = detail.events.find((e) => e.type === 'reused')!;
    expect(ev.note).toContain(c.dossierCode);
    // Attaching twice adds nothing; another citizen's papers are refused.
    expect(await app.call('reuse.attach', { dossierId: next.id, componentId: 'banchinh', sourceDossierId: dossierId, sourceComponentId: 'banchinh' })).toHaveLength(0);
    const other = await app.raw('reuse.attach', { dossierId: next.id, componentId: 'tokhai', sourceDossierId: otherId, sourceComponentId: 'tokhai' });
    expect(other.ok).toBe(false);
  });
});
