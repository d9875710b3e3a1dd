// kill -9 during a background import: a child process imports a 60-page PDF and is killed
// after a few pages are stored (the worker is then rasterising or writing the next ones).
// Reopened, the data folder holds only whole pages: every row's blobs exist, positions run
// 1…n, no temp file survives the start-up sweep, the database passes integrity_check, and
// the same file imports again after it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../electron/helpers/services';
import { fakeEngine, filesUnder, newDossier, numberedPdf, openPagesApp } from './helpers';

const root = path.resolve(import.meta.dirname, '..', '..');
afterAll(() => removeTempDirs());

it('a crash mid-import leaves no half-written file and no row pointing at a missing file', { timeout: 120_000 }, async () => {
  const dir = tempDir('motcua-import-kill-');
  const first = await openPagesApp({ dir, engine: async () => fakeEngine(-1).engine });
  const d = await newDossier(first);
  await first.close();
  const pdfFile = path.join(dir, 'dai.pdf');
  const pdf = await numberedPdf(60);
  fs.writeFileSync(pdfFile, pdf);

  const child = spawn(process.execPath, ['--import', 'tsx', 'test/pages/import-child.ts', dir, d.id, pdfFile], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stored = 0;
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    const m = [...out.matchAll(/STORED (\d+)/g)].at(-1);
    stored = m ? Number(m[1]) : 0;
    if (stored >= 5) child.kill('SIGKILL');
  });
  await new Promise((r) => child.once('exit', r));
  expect(child.signalCode, `${out}\n${err}`).toBe('SIGKILL');
  expect(out).not.toMatch(/END/);

  const app = await openPagesApp({ dir, engine: async () => fakeEngine(-1).engine });
  try {
    expect(app.services.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const rows = app.services.db.prepare('SELECT position, sha256, mime, compact_sha256 AS compact, thumb FROM pages WHERE dossier_id = ? ORDER BY position').all(Number(d.id)) as {
      position: number;
      sha256: string;
      mime: string;
      compact: string;
      thumb: string;
    }[];
    // At least what was reported committed, at most what the worker could have had ready.
    expect(rows.length).toBeGreaterThanOrEqual(stored);
    expect(rows.length).toBeLessThan(60);
    expect(rows.map((r) => r.position)).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
    const store = app.services.pages.store;
    for (const r of rows) {
      expect(store.has(r.sha256, r.mime)).toBe(true);
      expect(store.has(r.compact, 'image/png')).toBe(true);
      expect(store.has(r.thumb, 'image/jpeg')).toBe(true);
    }
    expect(filesUnder(path.join(dir, 'pages')).filter((f) => path.basename(f).startsWith('.tmp-'))).toEqual([]);
    // Each stored blob reads back whole (a PNG ends with its IEND chunk).
    for (const r of rows) expect(store.read(r.sha256, r.mime).subarray(-8, -4).toString('latin1')).toBe('IEND');

    // The clerk adds the file again after the restart: it imports completely.
    const again = await app.call('pages.import', { dossierId: d.id, componentId: 'banchinh', files: [{ name: 'dai.pdf', dataBase64: pdf.toString('base64') }] });
    let s = again;
    for (let i = 0; i < 1200 && ['waiting', 'opening', 'importing'].includes(s.state); i++) {
      await new Promise((r) => setTimeout(r, 100));
      s = (await app.call('pages.imports', { dossierId: d.id })).find((x) => x.importId === again.importId)!;
    }
    expect(s.state).toBe('done');
    expect((await app.call('pages.list', { dossierId: d.id, componentId: 'banchinh' })).pages).toHaveLength(60);
  } finally {
    await app.close();
  }
});
