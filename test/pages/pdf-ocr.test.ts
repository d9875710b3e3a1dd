// A scanner's PDF (page images only, no text layer): each page is rasterised with pdfjs and
// read by the real OCR queue. One short sample page keeps the run short.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cer } from '../../electron/services/ocr/cer';
import { removeTempDirs } from '../electron/helpers/services';
import { imagePdf, newDossier, openPagesApp, sample, type PagesApp } from './helpers';

describe('image-only PDF import', () => {
  let app: PagesApp;
  beforeAll(async () => {
    app = await openPagesApp();
  });
  afterAll(async () => {
    await app?.close();
    removeTempDirs();
  });

  it('rasterises the pages at 300 dpi and OCRs them', async () => {
    const d = await newDossier(app);
    const pdf = await imagePdf([sample('dev004-p4-clean.png')]);
    const t0 = performance.now();
    const [p] = await app.call('pages.add', { dossierId: d.id, componentId: 'tokhai', files: [{ name: 'scan.pdf', dataBase64: pdf.toString('base64') }] });
    const importMs = performance.now() - t0;
    expect(p.mime).toBe('image/png');
    expect(p.dpi).toBe(300);
    expect(Math.abs(p.width - 2480)).toBeLessThan(5);
    expect(p.ocr?.state).toMatch(/queued|running/);
    const t1 = performance.now();
    await app.services.ocr.whenIdle();
    console.log(`[pdf-ocr] import ${importMs.toFixed(0)} ms, OCR ${(performance.now() - t1).toFixed(0)} ms (incl. pool start)`);
    const t = await app.call('pages.text', { pageId: p.id });
    const truth = sample('dev004-p4.txt').toString('utf8');
    expect(t.source).toBe('ocr');
    expect(cer(truth, t.text)).toBeLessThan(0.05);
  });
});
