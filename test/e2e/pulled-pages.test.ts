// Pages scanned at the unit's other counter, in Chromium: rows made from pulled attach events
// (pages/fromSync.ts, as sync/apply.ts makes them) show "Từ máy khác"; until their file is
// here, "Đang tải về…" or "Chưa tải được: …" with the reason; the thumbnail once it arrives.
import { projectorFor } from '../../electron/services/app';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type Run, e2eRuns } from './support/harness';
import { ListPage, Shell, waitVisible } from './support/pages';
import { LOAN } from './support/data';
import { receiveDossier, setUpUnit } from './support/seed';
import { textPage } from '../pages/helpers';
import { openDatabase } from '../../electron/services/db/database';
import { DB_FILE_NAME } from '../../electron/services/app';
import { PageStore } from '../../electron/services/pages/index';
import { reconcilePulledPages, storeDownloadedPage, type PulledFile } from '../../electron/services/pages/fromSync';

const startRun = e2eRuns();
let run: Run | null = null;

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('trang từ máy khác', () => {
  it('shows pages of the other counter with their badge, the download placeholder or its failure, then the thumbnail', async () => {
    run = await startRun('pulled-pages');
    await setUpUnit(run);
    const d = await receiveDossier(run, '2.000815', LOAN);
    const componentId = d.components[0].componentId;
    const images = [await textPage('Trang một'), await textPage('Trang hai'), await textPage('Trang ba')];
    const files: PulledFile[] = images.map((img, i) => ({
      sha256: sha(img),
      size: img.length,
      mime: 'image/png',
      componentId,
      page: i + 1,
      eventId: `0000000${i}-0000-4000-8000-000000000000`,
      at: Date.now(),
      deviceId: 'may-2',
      actor: 'Trần Văn Bảy',
    }));
    // A second connection to the app's file, as the sync engine would write from a pull.
    const db = openDatabase(path.join(run.dataDir, DB_FILE_NAME));
    const pages = { db, dataDir: run.dataDir, now: Date.now, store: new PageStore(run.dataDir), projector: projectorFor(db) };
    try {
      db.transaction(() => reconcilePulledPages(db, Number(d.id), files, Date.now())).immediate();
      await storeDownloadedPage(pages, files[0], images[0]);
      db.prepare('UPDATE sync_downloads SET last_error = ? WHERE sha256 = ?').run('Tỉnh chưa nhận đủ tệp trang này.', files[2].sha256);

      const page = run.page;
      await new Shell(page).goList();
      const list = new ListPage(page);
      await list.search(d.code);
      await waitVisible(list.rows());
      await list.rows().first().click();
      const comp = page.locator(`[data-testid="pages-component-${componentId}"]`);
      await waitVisible(comp.locator('[data-testid="page-thumb-img"]'), 15_000);
      expect(await comp.locator('[data-testid="page-from-other"]').allTextContents()).toEqual(['Từ máy khác', 'Từ máy khác', 'Từ máy khác']);
      expect(await comp.locator('[data-testid="page-download"]').allTextContents()).toEqual(['Đang tải về…', 'Chưa tải được: Tỉnh chưa nhận đủ tệp trang này.']);
      expect(await comp.locator('[data-testid="page-thumb-img"]').count()).toBe(1);
      expect(await comp.locator('[data-testid="page-delete"]').first().isDisabled()).toBe(true);
      await comp.scrollIntoViewIfNeeded();
      await run.shot('pulled-pages-waiting');

      // The other two arrive: the panel's refresh shows their thumbnails.
      await storeDownloadedPage(pages, files[1], images[1]);
      await storeDownloadedPage(pages, files[2], images[2]);
      await expect.poll(() => comp.locator('[data-testid="page-thumb-img"]').count(), { timeout: 15_000, interval: 300 }).toBe(3);
      expect(await comp.locator('[data-testid="page-download"]').count()).toBe(0);
      await run.shot('pulled-pages-arrived');
      expect(run.pageErrors).toEqual([]);
    } finally {
      db.close();
    }
  });
});
