// End to end in Debian's Chromium: the camera dialog fed by Chromium's fake camera (an
// MJPEG file made from a sample page), the scan dialog on SANE's test backend, and the
// inbox of the watched scan folder; pages checked over the contract (pages.list).
import { samplesDir } from '../../bench/ocr';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRun, type Run } from '../e2e/support/harness';
import { ListPage, Shell, waitVisible } from '../e2e/support/pages';
import { ANH } from '../e2e/support/data';
import { receiveDossier, setUpUnit } from '../e2e/support/seed';
import { saneTestConfig } from './helpers';

const SAMPLE = path.join(samplesDir(), 'dev002-p1-clean.png');
// The fake device's frame size (even numbers: the capture pipeline works in 2×2 chroma blocks).
const FRAME = { width: 1240, height: 1754 };

let browser: Browser;
let tmp = '';
let saneDir = '';
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-camera-'));
  // An .mjpeg file is just JPEG frames one after another; Chromium loops it.
  const src = fs.existsSync(SAMPLE) ? sharp(SAMPLE) : sharp({ create: { width: 2479, height: 3508, channels: 3, background: '#fafafa' } });
  const frame = await src.resize(FRAME.width, FRAME.height, { fit: 'fill' }).jpeg({ quality: 85 }).toBuffer();
  const mjpeg = path.join(tmp, 'page.mjpeg');
  fs.writeFileSync(mjpeg, Buffer.concat([frame, frame, frame, frame, frame]));
  // The loopback server (in this process) scans with SANE's test backend.
  process.env.SANE_CONFIG_DIR = saneTestConfig();
  saneDir = process.env.SANE_CONFIG_DIR;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${mjpeg}`,
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
  if (saneDir) fs.rmSync(saneDir, { recursive: true, force: true });
});

let run: Run | null = null;
afterEach(async () => {
  await run?.close();
  run = null;
});

async function openDossier(r: Run) {
  await setUpUnit(r);
  const dossier = await receiveDossier(r, '1.001193', ANH);
  await new Shell(r.page).goList();
  const list = new ListPage(r.page);
  await waitVisible(list.rows());
  await list.rows().first().click();
  await waitVisible(r.page.locator('[data-testid="dossier-detail"]'));
  return { dossierId: dossier.id, componentId: dossier.components[0].componentId };
}

const tid = (r: Run, id: string) => r.page.locator(`[data-testid="${id}"]`);

describe('capture in the dossier detail screen', () => {
  it('camera: the fake camera frame is captured with Space and stored in the component at the frame size', { timeout: 180_000 }, async () => {
    run = await startRun(browser, 'capture-camera');
    const { dossierId, componentId } = await openDossier(run);
    await tid(run, `camera-open-${componentId}`).click();
    await waitVisible(tid(run, 'camera-dialog'));
    await expect.poll(() => tid(run!, 'camera-size').textContent(), { timeout: 15_000 }).toBe(`${FRAME.width}×${FRAME.height}`);
    await run.shot('camera-preview');
    // The capture button has the focus: Space captures.
    await run.page.keyboard.press('Space');
    await expect.poll(() => tid(run!, 'camera-count').textContent(), { timeout: 15_000 }).toBe('Đã chụp 1 trang');
    await run.shot('camera-captured');

    const { pages } = await run.call('pages.list', { dossierId, componentId });
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ source: 'camera', mime: 'image/jpeg', width: FRAME.width, height: FRAME.height });

    // Escape closes the dialog (and stops the stream), not the dossier.
    await run.page.keyboard.press('Escape');
    await tid(run, 'camera-dialog').waitFor({ state: 'detached' });
    expect(await tid(run, 'dossier-detail').isVisible()).toBe(true);
    const live = await run.page.evaluate(() => document.querySelectorAll('video').length);
    expect(live).toBe(0);
    expect(run.pageErrors, run.pageErrors.join('\n')).toEqual([]);
  });

  it('scanner: 3 pages from the test backend feeder at 75 dpi, with progress, into the component', async () => {
    run = await startRun(browser, 'capture-scanner');
    const { dossierId, componentId } = await openDossier(run);
    await tid(run, `scan-open-${componentId}`).click();
    await waitVisible(tid(run, 'scan-device'), 20_000);
    await tid(run, 'scan-device').selectOption('test:0');
    expect(await tid(run, 'scan-resolution').inputValue()).toBe('300');
    expect(await tid(run, 'scan-mode').inputValue()).toBe('gray');
    await tid(run, 'scan-resolution').selectOption('75');
    await tid(run, 'scan-source-adf').check();
    await tid(run, 'scan-pages').fill('3');
    await run.shot('scan-dialog');
    await tid(run, 'scan-start').click();
    await waitVisible(tid(run, 'scan-done'), 20_000);
    expect(await tid(run, 'scan-done').textContent()).toContain('Đã quét và lưu 3 trang');
    await run.shot('scan-done');
    const { pages } = await run.call('pages.list', { dossierId, componentId });
    expect(pages.map((p) => [p.source, p.dpi, p.fileName])).toEqual([
      ['scanner', 75, 'quet-001.png'],
      ['scanner', 75, 'quet-002.png'],
      ['scanner', 75, 'quet-003.png'],
    ]);
    expect(run.pageErrors, run.pageErrors.join('\n')).toEqual([]);
  });

  it('inbox: a file saved into the scan folder is picked and assigned to a component', async () => {
    run = await startRun(browser, 'capture-inbox');
    const folder = fs.mkdtempSync(path.join(tmp, 'scan-'));
    const { dossierId, componentId } = await openDossier(run);
    // Settings (the clerk's name opens them): the scan folder, checked by the main process.
    await tid(run, 'clerk-name').click();
    await waitVisible(tid(run, 'scan-folder-setting'));
    await tid(run, 'scan-folder-path').fill(path.join(folder, 'không có'));
    await tid(run, 'scan-folder-save').click();
    await expect.poll(() => tid(run!, 'scan-folder-error').textContent()).toBe('Thư mục này không tồn tại hoặc không truy cập được.');
    await tid(run, 'scan-folder-path').fill(folder);
    await tid(run, 'scan-folder-path').press('Enter');
    await expect.poll(() => tid(run!, 'scan-folder-state').textContent()).toContain(`Đang theo dõi: ${folder}`);
    await tid(run, 'scan-folder-setting').scrollIntoViewIfNeeded();
    await run.shot('scan-folder-setting');
    await new Shell(run.page).goList();
    await new ListPage(run.page).rows().first().click();
    await waitVisible(tid(run, 'dossier-detail'));
    const png = await sharp({ create: { width: 600, height: 800, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
    fs.writeFileSync(path.join(folder, 'Scan 001.png'), png);
    await waitVisible(tid(run, 'inbox-item'), 15_000);
    await tid(run, 'inbox-panel').scrollIntoViewIfNeeded();
    await run.shot('inbox');
    await tid(run, 'inbox-item').first().focus();
    await run.page.keyboard.press('Space');
    await tid(run, 'inbox-target').selectOption(componentId);
    await tid(run, 'inbox-assign').click();
    await waitVisible(tid(run, 'inbox-done'));
    const { pages } = await run.call('pages.list', { dossierId, componentId });
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ source: 'folder', fileName: 'Scan 001.png', width: 600, height: 800 });
    expect(fs.existsSync(path.join(folder, 'đã nhập', 'Scan 001.png'))).toBe(true);
    await run.shot('inbox-assigned');
    expect(run.pageErrors, run.pageErrors.join('\n')).toEqual([]);
  });
});
