// The persisted OCR queue with a stand-in engine (the real one is exercised in
// pages.test.ts and pdf-ocr.test.ts): order, resume after closing and reopening the
// services, cancel one page or a whole dossier, re-OCR, failures. And migration 2.
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../electron/services/db/database';
import { MIGRATIONS } from '../../electron/services/db/migrations';
import { addPages } from '../../electron/services/pages/index';
import { OcrInputError } from '../../electron/services/ocr/errors';
import { removeTempDirs, tempDir } from '../electron/helpers/services';
import { fakeEngine, newDossier, openPagesApp, textPage } from './helpers';

afterAll(() => removeTempDirs());

async function pagesOf(n: number, tag: string): Promise<{ data: Buffer; fileName: string }[]> {
  return Promise.all(Array.from({ length: n }, async (_, i) => ({ data: await textPage(`${tag} ${i + 1}`, 600, 848), fileName: `${tag}-${i + 1}.png` })));
}

describe('OCR queue', () => {
  it('is persisted: closing mid-way and reopening resumes queued and re-queues running pages', async () => {
    const dir = tempDir('motcua-queue-');
    // An engine that never answers: pages stay running / queued.
    const stuck = fakeEngine(-1);
    let app = await openPagesApp({ dir, engine: async () => stuck.engine });
    const d = await newDossier(app);
    await addPages(app.services.pages, { dossierId: d.id, componentId: 'banchinh', images: await pagesOf(5, 'trang'), source: 'scanner', actor: 'A' });
    await new Promise((r) => setTimeout(r, 100));
    let st = await app.call('ocr.status', { dossierId: d.id });
    expect(st.counts).toMatchObject({ running: 2, queued: 3 });
    expect(st.queue).toEqual({ queued: 3, running: 2 });
    await app.close();

    const raw = new Database(path.join(dir, 'motcua.sqlite'));
    expect(raw.prepare(`SELECT state, count(*) AS n FROM ocr_jobs GROUP BY state ORDER BY state`).all()).toEqual([
      { state: 'queued', n: 3 },
      { state: 'running', n: 2 },
    ]);
    raw.close();

    const ok = fakeEngine(5, 'đã đọc xong');
    app = await openPagesApp({ dir, engine: async () => ok.engine });
    await app.services.ocr.whenIdle();
    st = await app.call('ocr.status', { dossierId: d.id });
    expect(st.counts).toMatchObject({ done: 5, queued: 0, running: 0 });
    expect(ok.calls).toHaveLength(5);
    expect((await app.call('dossiers.list', { query: 'da doc xong' })).items.map((i) => i.id)).toEqual([d.id]);
    await app.close();
  });

  it('cancels one page, or every page of a dossier; re-OCR puts a page back at the end', async () => {
    const gate = fakeEngine(-1);
    const app = await openPagesApp({ engine: async () => gate.engine });
    const a = await newDossier(app);
    const b = await newDossier(app);
    const pa = await addPages(app.services.pages, { dossierId: a.id, componentId: 'banchinh', images: await pagesOf(3, 'a'), source: 'file', actor: 'A' });
    const pb = await addPages(app.services.pages, { dossierId: b.id, componentId: 'banchinh', images: await pagesOf(2, 'b'), source: 'file', actor: 'A' });
    await new Promise((r) => setTimeout(r, 50));
    // The running first page of a, and a queued page of a.
    await app.call('ocr.cancel', { pageId: pa[0].id });
    await app.call('ocr.cancel', { pageId: pa[2].id });
    let st = await app.call('ocr.status', { dossierId: a.id });
    expect(st.pages.find((p) => p.pageId === pa[0].id)!.state).toBe('cancelled');
    expect(st.pages.find((p) => p.pageId === pa[2].id)!.state).toBe('cancelled');
    // The whole dossier b.
    await new Promise((r) => setTimeout(r, 50));
    st = await app.call('ocr.cancel', { dossierId: b.id });
    expect(st.counts.cancelled).toBe(2);
    expect(st.counts.queued + st.counts.running).toBe(0);
    // Re-OCR one cancelled page.
    st = await app.call('ocr.retry', { pageId: pb[1].id });
    expect(st.pages.find((p) => p.pageId === pb[1].id)!.state).toMatch(/queued|running/);
    // Neither a nor b must be both: exactly one argument.
    expect((await app.raw('ocr.cancel', { pageId: pa[0].id, dossierId: a.id })).ok).toBe(false);
    expect((await app.raw('ocr.cancel', {})).ok).toBe(false);
    await app.close();
  });

  it('marks unreadable pages failed with the reason; other errors are retried', async () => {
    let n = 0;
    const app = await openPagesApp({
      engine: async () => ({
        recognize: async () => {
          n++;
          if (n === 1) throw new OcrInputError('corrupt', 'Tệp ảnh bị hỏng.');
          throw new Error('worker crashed');
        },
        terminate: async () => undefined,
      }),
    });
    const d = await newDossier(app);
    const pages = await addPages(app.services.pages, { dossierId: d.id, componentId: 'banchinh', images: await pagesOf(2, 'x'), source: 'file', actor: 'A' });
    await app.services.ocr.whenIdle();
    const st = await app.call('ocr.status', { dossierId: d.id });
    expect(st.pages.find((p) => p.pageId === pages[0].id)).toMatchObject({ state: 'failed', attempts: 1, error: 'Tệp ảnh bị hỏng.' });
    expect(st.pages.find((p) => p.pageId === pages[1].id)).toMatchObject({ state: 'failed', attempts: 3 });
    expect(st.pages.find((p) => p.pageId === pages[1].id)!.error).toMatch(/Không nhận dạng được chữ trên trang: worker crashed/);
    await app.close();
  });
});

describe('migration 2', () => {
  it('brings a version 1 database with dossiers to version 2 and keeps its data', () => {
    const file = path.join(tempDir('motcua-mig-'), 'db.sqlite');
    const db1 = openDatabase(file, { migrations: MIGRATIONS.slice(0, 1) });
    db1.prepare(`INSERT INTO settings (key, value) VALUES ('x', '1')`).run();
    db1.close();
    const db = new Database(file);
    expect(migrate(db)).toBeGreaterThanOrEqual(2);
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all();
    for (const t of ['pages', 'ocr_jobs', 'page_text', 'component_digitisation', 'page_fts']) expect(tables).toContain(t);
    expect(db.prepare(`SELECT value FROM settings WHERE key = 'x'`).pluck().get()).toBe('1');
    db.close();
  });
});
