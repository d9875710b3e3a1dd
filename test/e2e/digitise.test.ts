// Digitising a dossier component in Chromium: open the dossier, add a scanned page with the
// file input, see its thumbnail and its recognised text, correct a word, export the
// searchable PDF (read back with pdftotext). Real OCR on one short sample page.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Run, e2eRuns } from './support/harness';
import { IntakePage, ListPage, Shell, waitVisible } from './support/pages';
import { LOAN } from './support/data';
import { receiveDossier, setUpUnit } from './support/seed';
import { SAMPLES } from '../pages/helpers';

const startRun = e2eRuns();
let run: Run | null = null;

describe('số hoá giấy tờ', () => {
  it('adds a scanned page, shows its thumbnail and text, saves a correction, exports a searchable PDF', async () => {
    run = await startRun('digitise-page');
    await setUpUnit(run);
    const d = await receiveDossier(run, '2.000815', LOAN);
    const componentId = d.components[0].componentId;
    const page = run.page;

    const shell = new Shell(page);
    await shell.goList();
    const list = new ListPage(page);
    await list.search(d.code);
    await waitVisible(list.rows());
    await list.rows().first().click();
    await waitVisible(page.locator('[data-testid="pages-panel"]'));
    await run.shot('detail-before');

    // Add the page through the file input.
    await page.locator(`[data-testid="pages-input-${componentId}"]`).setInputFiles(path.join(SAMPLES, 'dev004-p4-scan.jpg'));
    const thumb = page.locator(`[data-testid="pages-component-${componentId}"] [data-testid="page-thumb-img"]`);
    await waitVisible(thumb, 20_000);
    await thumb.scrollIntoViewIfNeeded();
    await run.shot('thumbnail-and-ocr-progress');
    const state = page.locator(`[data-testid="pages-component-${componentId}"] [data-testid="page-ocr-state"]`);
    await expect.poll(() => state.textContent(), { timeout: 90_000, interval: 500 }).toBe('Đã nhận dạng');
    await run.shot('ocr-done');

    // Side-by-side view: the recognised text appears; correct a word and save.
    await page.locator(`[data-testid="pages-component-${componentId}"] [data-testid="page-open"]`).click();
    const viewer = page.locator('[data-testid="page-viewer"]');
    await waitVisible(viewer);
    await waitVisible(page.locator('[data-testid="viewer-image"]'));
    const textarea = page.locator('[data-testid="viewer-text"]');
    await expect.poll(() => textarea.inputValue(), { timeout: 10_000 }).toContain('Nguyễn Trọng Trang');
    await run.shot('viewer-text');
    const text = await textarea.inputValue();
    await textarea.fill(text.replace('Nguyễn Trọng Trang', 'Nguyễn Trọng Tráng'));
    await page.locator('[data-testid="viewer-save"]').click();
    await waitVisible(page.locator('[data-testid="viewer-corrected"]'));
    await page.locator('[data-testid="viewer-highlight"]').click();
    await waitVisible(page.locator('[data-testid="viewer-read"]'));
    await run.shot('viewer-corrected');
    const pages = await run.call('pages.list', { dossierId: d.id });
    const saved = await run.call('pages.text', { pageId: pages.pages[0].id });
    expect(saved.correctedText).toContain('Nguyễn Trọng Tráng');
    await page.keyboard.press('Escape');
    await expect.poll(() => viewer.count()).toBe(0);
    // Escape closed only the viewer, not the dossier.
    await waitVisible(page.locator('[data-testid="dossier-detail"]'));

    // Searchable PDF of the component.
    await page.locator(`[data-testid="export-pdf-${componentId}"]`).click();
    await waitVisible(page.locator('[data-testid="export-result"]'), 20_000);
    await page.locator('[data-testid="export-result"]').scrollIntoViewIfNeeded();
    await run.shot('pdf-exported');
    const exports = fs.readdirSync(path.join(run.dataDir, 'exports'));
    expect(exports).toHaveLength(1);
    const extracted = execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', path.join(run.dataDir, 'exports', exports[0]), '-'], { encoding: 'utf8' });
    expect(extracted).toContain('Nguyễn Trọng Tráng');

    // The page's word finds the dossier in the list, without diacritics.
    await shell.goList();
    await list.search('trong trang');
    await expect.poll(() => list.rowTexts()).toHaveLength(1);
    await run.shot('search-by-page-text');

    // Intake of a new dossier for the same citizen: the digitised paper, once approved, is offered for reuse.
    const doc = await run.call('review.get', { dossierId: d.id, componentId });
    await run.call('review.save', { dossierId: d.id, componentId, decision: 'approve', data: doc.data });
    await shell.goIntake();
    const intake = new IntakePage(page);
    await intake.pickProcedureByKeyboard('2.000815', '2.000815');
    await intake.fillApplicant(LOAN);
    const candidate = page.locator('[data-testid="reuse-candidate"]');
    await waitVisible(candidate, 10_000);
    expect(await candidate.textContent()).toContain(d.code);
    await page.locator(`[data-testid="reuse-tick-${componentId}"]`).check();
    await candidate.scrollIntoViewIfNeeded();
    await run.shot('intake-reuse-offered');
    await intake.tickAll();
    const saved2 = await intake.saveReceipt();
    const second = (await run.call('dossiers.list', { query: saved2.code })).items[0];
    const reused = await run.call('pages.list', { dossierId: second.id });
    expect(reused.pages).toHaveLength(1);
    expect(reused.pages[0].source).toBe('reuse');
    expect(reused.components.find((c) => c.componentId === componentId)?.state).toBe(2);
    expect(run.dialogs).toEqual([]);
    expect(run.pageErrors, run.pageErrors.join('\n')).toEqual([]);
  }, 180_000);
});
