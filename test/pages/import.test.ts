// The background import (pages.import, importJob.ts): a PDF made here with pdfkit is split,
// rasterised and stored page by page in a worker thread. Progress counts up one page at a
// time and each page is in the component as soon as it is counted; cancel keeps what was
// stored; a corrupt page stops the import with the pages before it kept and names the page;
// bad files are refused at once. Small pages (300 dpi of a 1.5-inch square) keep a
// 150-page file fast; a fake OCR engine keeps tesseract out of it.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageImportState } from '../../shared/ipc/pages';
import { PageImports } from '../../electron/services/pages/importJob';
import { removeTempDirs } from '../electron/helpers/services';
import { corruptPage, encryptedPdf, fakeEngine, filesUnder, newDossier, numberedPdf, openPagesApp, type PagesApp } from './helpers';

describe('background import of a long PDF', () => {
  let app: PagesApp;
  let imports: PageImports;
  const pageRows = (dossierId: string) =>
    app.services.db.prepare('SELECT id, position, sha256, mime, compact_sha256 AS compact, thumb FROM pages WHERE dossier_id = ? ORDER BY position').all(Number(dossierId)) as {
      id: number;
      position: number;
      sha256: string;
      mime: string;
      compact: string;
      thumb: string;
    }[];
  /** Every row's three blobs exist, and nothing else (no orphan, no temp file) is in the store. */
  const expectStoreMatchesRows = (dossierId: string) => {
    const store = app.services.pages.store;
    const rows = pageRows(dossierId);
    const expected = new Set<string>();
    for (const r of rows) {
      for (const [h, m] of [
        [r.sha256, r.mime],
        [r.compact, 'image/png'],
        [r.thumb, 'image/jpeg'],
      ] as const) {
        expect(store.has(h, m)).toBe(true);
        expected.add(path.relative(path.join(app.dir, 'pages'), store.pathOf(h, m)));
      }
    }
    return { rows, expected };
  };

  beforeAll(async () => {
    app = await openPagesApp({ engine: async () => fakeEngine(-1).engine }); // OCR jobs stay queued
    imports = new PageImports({ pages: app.services.pages });
  });
  afterAll(async () => {
    imports?.close();
    await app?.close();
    removeTempDirs();
  });

  // ~0.1 s a page on an idle 2-core PC; the bound allows a CI machine shared with other jobs.
  it('returns at once, then stores 150 pages one by one with progress counting up', { timeout: 180_000 }, async () => {
    const d = await newDossier(app);
    const pdf = await numberedPdf(150);
    const events: PageImportState[] = [];
    const visibleAtEvent: number[] = [];
    const t0 = performance.now();
    const started = imports.start({ dossierId: d.id, componentId: 'tokhai', files: [{ data: pdf, fileName: 'hồ sơ dài.pdf' }], source: 'file', actor: 'Cán bộ A' }, (s) => {
      events.push(s);
      // What the component shows at this moment (the list call the screen makes).
      visibleAtEvent.push(s.state === 'importing' ? (app.services.db.prepare('SELECT count(*) FROM pages WHERE dossier_id = ? AND deleted_at IS NULL').pluck().get(Number(d.id)) as number) : -1);
    });
    const startMs = performance.now() - t0;
    expect(startMs).toBeLessThan(200);
    expect(started.state).toBe('waiting');
    expect(started.pagesDone).toBe(0);

    const end = await imports.settled(started.importId);
    const totalMs = performance.now() - t0;
    expect(end.state).toBe('done');
    expect(end.message).toBeNull();
    expect(end.pagesTotal).toBe(150);
    expect(end.pagesDone).toBe(150);

    // Progress: opening, then the total known, then 1, 2, … 150 — each page visible when counted.
    const importing = events.filter((e) => e.state === 'importing');
    expect(events[0].state).toBe('opening');
    expect(importing[0].pagesDone).toBe(0);
    expect(importing.every((e) => e.pagesTotal === 150)).toBe(true);
    expect(importing.map((e) => e.pagesDone)).toEqual(Array.from({ length: 151 }, (_, i) => i));
    const counts = events.map((e, i) => [e, visibleAtEvent[i]] as const).filter(([e]) => e.state === 'importing');
    for (const [e, visible] of counts) expect(visible).toBe(e.pagesDone);
    expect(events.at(-1)!.state).toBe('done');

    // All pages stored in order, each queued for OCR, the component digitised.
    const list = await app.call('pages.list', { dossierId: d.id, componentId: 'tokhai' });
    expect(list.pages).toHaveLength(150);
    expect(list.pages.map((p) => p.position)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    expect(list.pages.map((p) => p.id)).toEqual(end.pageIds);
    expect(list.pages[0].fileName).toBe('hồ sơ dài-trang-001.png');
    expect(list.pages[149].fileName).toBe('hồ sơ dài-trang-150.png');
    expect(list.pages.every((p) => p.dpi === 300 && ['queued', 'running'].includes(p.ocr?.state ?? '') && p.digitisedBy === 'Cán bộ A')).toBe(true);
    expect(list.components[0].state).toBe(1);
    const { expected } = expectStoreMatchesRows(d.id);
    expect(filesUnder(path.join(app.dir, 'pages')).filter((f) => expected.has(f)).length).toBe(expected.size);
    console.log(`[import] 150 pages: start ${startMs.toFixed(1)} ms, all stored in ${(totalMs / 1000).toFixed(1)} s`);
  });

  it('cancel midway keeps exactly the pages already stored, and nothing is stored after it', async () => {
    const d = await newDossier(app);
    const pdf = await numberedPdf(60);
    let cancelled: PageImportState | null = null;
    const started = imports.start({ dossierId: d.id, componentId: 'banchinh', files: [{ data: pdf, fileName: 'huy.pdf' }], source: 'file', actor: 'A' }, (s) => {
      if (s.pagesDone === 12 && s.state === 'importing' && !cancelled) cancelled = imports.cancel(s.importId);
    });
    const end = await imports.settled(started.importId);
    expect(end.state).toBe('cancelled');
    expect(cancelled!.pagesDone).toBe(12);
    expect(end.message).toBe('Đã dừng nhập: giữ 12 trang đã nhập, 48 trang chưa nhập.');
    // A page the worker was making when the cancel came is never stored.
    await new Promise((r) => setTimeout(r, 500));
    const { rows } = expectStoreMatchesRows(d.id);
    expect(rows.map((r) => r.position)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(imports.get(started.importId).pagesDone).toBe(12);
    // Cancelling a finished import changes nothing.
    expect(imports.cancel(started.importId)).toEqual(end);
  });

  it('a corrupt page midway: the pages before it stay, the message names the page and why', async () => {
    const d = await newDossier(app);
    const pdf = corruptPage(await numberedPdf(30), 20);
    const started = imports.start({ dossierId: d.id, componentId: 'tokhai', files: [{ data: pdf, fileName: 'hong.pdf' }], source: 'file', actor: 'A' });
    const end = await imports.settled(started.importId);
    expect(end.state).toBe('failed');
    expect(end.pagesDone).toBe(19);
    expect(end.message).toBe(
      'Trang 20/30 của tệp "hong.pdf" không đọc được: nội dung của trang bị hỏng. Hãy quét lại trang này hoặc sửa tệp rồi thêm lại. ' +
        'Đã lưu 19/30 trang (các trang trước trang lỗi); các trang còn lại chưa được nhập.',
    );
    const { rows, expected } = expectStoreMatchesRows(d.id);
    expect(rows).toHaveLength(19);
    const list = await app.call('pages.list', { dossierId: d.id, componentId: 'tokhai' });
    expect(list.pages.at(-1)!.fileName).toBe('hong-trang-019.png');
    // Nothing half-written: no temp file anywhere in the store, and this import's 57 blobs are all used by its rows.
    expect(filesUnder(path.join(app.dir, 'pages')).filter((f) => path.basename(f).startsWith('.tmp-'))).toEqual([]);
    expect(expected.size).toBe(19 * 3);
  });

  it('through the contract: refuses bad files at once, reports an encrypted PDF without storing anything, lists and cancels', async () => {
    const d = await newDossier(app);
    const rowsBefore = pageRows(d.id).length;
    const text = Buffer.from('không phải ảnh').toString('base64');
    const r = await app.raw('pages.import', { dossierId: d.id, componentId: 'tokhai', files: [{ name: 'ghi-chu.jpg', dataBase64: text }] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/^Tệp "ghi-chu.jpg" không phải ảnh quét hay PDF.*Chưa có trang nào được thêm vào hồ sơ\.$/);
    const missing = await app.raw('pages.import', { dossierId: d.id, componentId: 'khong-co', files: [{ name: 'a.pdf', dataBase64: (await numberedPdf(1)).toString('base64') }] });
    expect(missing.ok).toBe(false);
    expect(await app.call('pages.imports', { dossierId: d.id })).toEqual([]);

    const enc = await app.call('pages.import', { dossierId: d.id, componentId: 'tokhai', files: [{ name: 'khoa.pdf', dataBase64: (await encryptedPdf()).toString('base64') }] });
    expect(enc.importId).toMatch(/^imp-/);
    const encEnd = await waitEnded(enc.importId, d.id);
    expect(encEnd.state).toBe('failed');
    expect(encEnd.message).toMatch(/^Tệp "khoa.pdf" là PDF được đặt mật khẩu.*Chưa có trang nào được thêm vào hồ sơ\.$/);
    expect(pageRows(d.id).length).toBe(rowsBefore);

    const long = await app.call('pages.import', { dossierId: d.id, componentId: 'tokhai', files: [{ name: 'dai.pdf', dataBase64: (await numberedPdf(40)).toString('base64') }] });
    const c = await app.call('pages.importCancel', { importId: long.importId });
    expect(c.state).toBe('cancelled');
    const listed = await app.call('pages.imports', { dossierId: d.id });
    expect(listed.map((x) => [x.importId, x.state])).toEqual([
      [enc.importId, 'failed'],
      [long.importId, 'cancelled'],
    ]);
    const bad = await app.raw('pages.importCancel', { importId: 'abc' });
    expect(bad.ok).toBe(false);

    async function waitEnded(importId: string, dossierId: string): Promise<PageImportState> {
      for (let i = 0; i < 200; i++) {
        const s = (await app.call('pages.imports', { dossierId })).find((x) => x.importId === importId)!;
        if (!['waiting', 'opening', 'importing'].includes(s.state)) return s;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('import did not end');
    }
  });
});
