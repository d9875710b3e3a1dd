// A page scanned upside down, in Chromium: its thumbnail and the viewer show it upright (the
// ink of this short last page at the top left, where the upside-down file has it at the
// bottom right), the viewer says what was done, "Bản làm sạch" switches to the cleaned view
// and back, the OCR reads it the right way round, and the viewer gives the image ~60 % of
// the width at 1366×768 without a horizontal scroll.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Locator } from 'playwright-core';
import { VIEWPORT, type Run, e2eRuns } from './support/harness';
import { openDossierPages, waitVisible } from './support/pages';
import { LOAN } from './support/data';
import { receiveDossier, setUpUnit } from './support/seed';
import { SAMPLES } from '../pages/helpers';

const startRun = e2eRuns();
let run: Run | null = null;

/** Where the ink of the image shown by `img` lies, as fractions of its width and height (drawn by the browser itself). */
async function inkCentre(img: Locator): Promise<{ x: number; y: number; natural: { w: number; h: number } }> {
  return img.evaluate((el: HTMLImageElement) => {
    const W = 100;
    const H = Math.round((W * el.naturalHeight) / el.naturalWidth);
    const c = document.createElement('canvas');
    c.width = W;
    c.height = H;
    const g = c.getContext('2d')!;
    g.drawImage(el, 0, 0, W, H);
    const px = g.getImageData(0, 0, W, H).data;
    let sx = 0;
    let sy = 0;
    let n = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = (y * W + x) * 4;
        const ink = Math.max(0, 200 - (px[i] + px[i + 1] + px[i + 2]) / 3);
        sx += x * ink;
        sy += y * ink;
        n += ink;
      }
    }
    return { x: sx / n / W, y: sy / n / H, natural: { w: el.naturalWidth, h: el.naturalHeight } };
  });
}

describe('trang quét ngược', () => {
  it('shows an upside-down page upright, with the cleaned view, on a page screen that uses the width', async () => {
    run = await startRun('page-orientation');
    await setUpUnit(run);
    const d = await receiveDossier(run, '2.000815', LOAN);
    const componentId = d.components[0].componentId;
    const page = run.page;

    // The last page of a letter (three lines at the top left), scanned upside down.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-upside-'));
    onTestFinished(() => fs.rmSync(tmp, { recursive: true, force: true }));
    const file = path.join(tmp, 'trang-nguoc.jpg');
    fs.writeFileSync(file, await sharp(path.join(SAMPLES, 'dev004-p4-scan.jpg')).rotate(180).jpeg({ quality: 90 }).toBuffer());

    await openDossierPages(page, d.code);
    await page.locator(`[data-testid="pages-input-${componentId}"]`).setInputFiles(file);
    const thumb = page.locator(`[data-testid="pages-component-${componentId}"] [data-testid="page-thumb-img"]`);
    await waitVisible(thumb, 20_000);
    await thumb.scrollIntoViewIfNeeded();
    await run.shot('thumbnail-upright');
    const t = await inkCentre(thumb);
    expect(t.y, 'thumbnail ink at the top').toBeLessThan(0.3);
    expect(t.x, 'thumbnail ink on the left').toBeLessThan(0.45);

    const [stored] = (await run.call('pages.list', { dossierId: d.id })).pages;
    expect(stored.autoRotation).toBe(180);
    expect(stored.rotation).toBe(0);

    // The viewer: upright, says what was done.
    await page.locator(`[data-testid="pages-component-${componentId}"] [data-testid="page-open"]`).click();
    const viewer = page.locator('[data-testid="page-viewer"]');
    await waitVisible(viewer);
    const img = page.locator('[data-testid="viewer-image"]');
    await waitVisible(img);
    expect(await img.getAttribute('data-view')).toBe('display');
    expect(await page.locator('[data-testid="viewer-auto"]').textContent()).toMatch(/^Đã tự xoay 180°, nắn thẳng 0,\d°$/);
    const shown = await inkCentre(img);
    expect(shown.natural.h).toBeGreaterThan(shown.natural.w);
    expect(shown.y, 'viewer ink at the top').toBeLessThan(0.3);
    expect(shown.x, 'viewer ink on the left').toBeLessThan(0.45);

    // The page screen shares the width: the image column ~60 %, the text beside it, nothing wider than the screen.
    const box = (await viewer.boundingBox())!;
    const imgCol = (await page.locator('.pg-viewer-imgcol').boundingBox())!;
    const textCol = (await page.locator('.pg-viewer-text').boundingBox())!;
    expect(box.width).toBeGreaterThan(VIEWPORT.width * 0.9);
    expect(imgCol.width / (imgCol.width + textCol.width)).toBeGreaterThan(0.55);
    expect(imgCol.width / (imgCol.width + textCol.width)).toBeLessThan(0.65);
    expect(textCol.x).toBeGreaterThan(imgCol.x + imgCol.width);
    expect(textCol.x + textCol.width).toBeLessThanOrEqual(VIEWPORT.width);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORT.width);
    await run.shot('viewer-upright');

    // "Bản làm sạch" and back to "Bản gốc".
    const originalSrc = await img.getAttribute('src');
    await page.locator('[data-testid="viewer-view-cleaned"]').click();
    await expect.poll(() => img.getAttribute('data-view'), { timeout: 15_000 }).toBe('cleaned');
    expect(await page.locator('[data-testid="viewer-view-cleaned"]').getAttribute('aria-pressed')).toBe('true');
    const cleanedSrc = await img.getAttribute('src');
    expect(cleanedSrc).not.toBe(originalSrc);
    const cleaned = await inkCentre(img);
    expect(cleaned.y, 'cleaned ink at the top').toBeLessThan(0.3);
    expect(cleaned.x, 'cleaned ink on the left').toBeLessThan(0.45);
    await run.shot('viewer-cleaned');
    await page.locator('[data-testid="viewer-view-display"]').click();
    await expect.poll(() => img.getAttribute('data-view')).toBe('display');
    expect(await img.getAttribute('src')).toBe(originalSrc);

    // The OCR read the page the way the clerk sees it.
    const textarea = page.locator('[data-testid="viewer-text"]');
    await expect.poll(() => textarea.inputValue(), { timeout: 90_000, interval: 500 }).toContain('Nguyễn Trọng Trang');
    await run.shot('viewer-text');

    // The kept original is the file as scanned (upside down).
    const original = await run.call('pages.image', { pageId: stored.id, variant: 'original' });
    expect((await run.file(original.url)).equals(fs.readFileSync(file))).toBe(true);
    expect(run.dialogs).toEqual([]);
    expect(run.pageErrors, run.pageErrors.join('\n')).toEqual([]);
  }, 150_000);
});
