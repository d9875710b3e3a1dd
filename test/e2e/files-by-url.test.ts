// Page images and PDFs by URL (issue 8 item 7), in Chromium at 1366×768: a dossier with a
// scanned page and a printed receipt shows the page from /files/<token> (it decodes) and the
// receipt in a frame from /files/<token> (a PDF), and no call's answer in the page's network
// log carries base64.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Response } from 'playwright-core';
import { e2eRuns, VIEWPORT } from './support/harness';
import { openDossierPages, waitVisible } from './support/pages';
import { LOAN } from './support/data';
import { receiveDossier, setUpUnit } from './support/seed';
import { SAMPLES } from '../pages/helpers';

const startRun = e2eRuns();
const FILE_URL = /^\/files\/[0-9a-f]{32}$/;
/** A run of base64 long enough to be a file (a 40-character id or hash is not). */
const LONG_BASE64 = /[A-Za-z0-9+/]{400,}={0,2}/;

describe('files by URL', () => {
  it('shows a scanned page and a printed receipt from token URLs; no call answer carries base64', async () => {
    const run = await startRun('files-by-url');
    const page = run.page;
    expect(page.viewportSize()).toEqual(VIEWPORT);
    const answers: Promise<{ url: string; body: string }>[] = [];
    page.on('response', (r: Response) => {
      if (new URL(r.url()).pathname.startsWith('/rpc/'))
        answers.push(
          r.text().then(
            (body) => ({ url: r.url(), body }),
            () => ({ url: r.url(), body: '' }),
          ),
        );
    });

    await setUpUnit(run);
    const d = await receiveDossier(run, '2.000815', LOAN);
    const componentId = d.components[0].componentId;
    const png = fs.readFileSync(path.join(SAMPLES, 'dev002-p3-clean.png'));
    await run.call('pages.add', { dossierId: d.id, componentId, files: [{ name: 'trang-1.png', dataBase64: png.toString('base64') }] });

    await openDossierPages(page, d.code);

    // The thumbnail: a token URL that decodes.
    const thumb = page.locator(`[data-testid="pages-component-${componentId}"] [data-testid="page-thumb-img"]`);
    await waitVisible(thumb, 20_000);
    expect(await thumb.getAttribute('src')).toMatch(FILE_URL);
    await expect.poll(() => thumb.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);

    // The receipt (Mẫu 01), printed again from the dossier: a frame from a token URL, a PDF there.
    await page.locator('[data-testid="reprint-mau01"]').click();
    const frame = page.locator('[data-testid="pdf-frame"]');
    await waitVisible(frame, 20_000);
    const src = (await frame.getAttribute('src'))!;
    expect(src).toMatch(FILE_URL);
    const fetched = await page.evaluate(async (u) => {
      const r = await fetch(u);
      const b = new Uint8Array(await r.arrayBuffer());
      return { status: r.status, type: r.headers.get('content-type'), head: String.fromCharCode(...b.slice(0, 5)), size: b.length };
    }, src);
    expect(fetched).toMatchObject({ status: 200, type: 'application/pdf', head: '%PDF-' });
    expect(fetched.size).toBeGreaterThan(1000);
    expect(await page.locator('[data-testid="pdf-download"]').getAttribute('href')).toBe(src);
    await run.shot('receipt-by-url');

    // The viewer's image, too (once the print is closed).
    await page.getByRole('button', { name: /Đóng bản in/ }).click();
    await page.locator(`[data-testid="pages-component-${componentId}"] [data-testid="page-open"]`).click();
    const img = page.locator('[data-testid="viewer-image"]');
    await waitVisible(img, 20_000);
    expect(await img.getAttribute('src')).toMatch(FILE_URL);
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    await run.shot('viewer-by-url');

    // Every answer the page got from the calls, base64-free (and the ones that carry files were among them).
    const got = await Promise.all(answers);
    const channels = new Set(got.map((a) => new URL(a.url).pathname.slice('/rpc/'.length)));
    for (const c of ['pages.image', 'forms.render', 'pages.list']) expect(channels, c).toContain(c);
    for (const a of got) expect(LONG_BASE64.test(a.body), a.url).toBe(false);
    expect(run.pageErrors, run.pageErrors.join('\n')).toEqual([]);
    expect(run.dialogs).toEqual([]);
  }, 120_000);
});
