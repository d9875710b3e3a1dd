// The page views the clerk opens ("Bản gốc" turned upright and levelled, "Bản làm sạch") are
// rendered off the main thread: the main process's event loop, which serves every UI call,
// keeps ticking while a real sample page is rendered; recent renders are kept, so flipping
// between two pages does not render again; a damaged file still fails with its message.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCleanedView } from '../../electron/services/ocr/preprocess';
import { pageImage, viewTurnDeg } from '../../electron/services/pages';
import type { PageInfo } from '../../shared/ipc/pages';
import { removeTempDirs } from '../electron/helpers/services';
import { fakeEngine, newDossier, openPagesApp, sample, type PagesApp } from './helpers';

const HARD = 'dev002-p1-hard.jpg'; // colour, red seal and blue pen, askew: both views are real renders
const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

/** Runs `fn` while measuring the calling thread's event-loop delay and the process's CPU time (all threads). */
async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; maxDelayMs: number; cpuMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const cpu0 = process.cpuUsage();
  const value = await fn();
  const cpu = process.cpuUsage(cpu0);
  h.disable();
  return { value, maxDelayMs: h.max / 1e6, cpuMs: (cpu.user + cpu.system) / 1000 };
}

describe('page views rendered off the main thread', () => {
  let app: PagesApp;
  let dossierId: string;
  let hard: PageInfo;
  let other: PageInfo;
  const view = async (page: PageInfo, variant: 'display' | 'cleaned') => Buffer.from((await app.call('pages.image', { pageId: page.id, variant })).dataBase64, 'base64');

  beforeAll(async () => {
    app = await openPagesApp({ engine: async () => fakeEngine(5).engine });
    dossierId = (await newDossier(app)).id;
    [hard] = await app.call('pages.add', { dossierId, componentId: 'banchinh', files: [{ name: 'dau-do.jpg', dataBase64: sample(HARD).toString('base64') }] });
    [other] = await app.call('pages.add', { dossierId, componentId: 'banchinh', files: [{ name: 'ban-quet.jpg', dataBase64: sample('dev002-p2-scan.jpg').toString('base64') }] });
    expect(Math.abs(hard.skewDeg!)).toBeGreaterThan(1); // so the display is turned, not passed through
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    removeTempDirs();
  });

  it('the event loop keeps ticking while the cleaned and display views of a sample page are rendered', async () => {
    await view(other, 'cleaned'); // warm-up: the render thread is started (or the code paths loaded)
    const cleaned = await measured(() => view(hard, 'cleaned'));
    const display = await measured(() => view(hard, 'display'));
    console.log(
      `cleaned: ${cleaned.cpuMs.toFixed(0)} CPU-ms, max event-loop delay ${cleaned.maxDelayMs.toFixed(1)} ms; display: ${display.cpuMs.toFixed(0)} CPU-ms, max delay ${display.maxDelayMs.toFixed(1)} ms`,
    );
    // Real renders of real size...
    expect(cleaned.cpuMs).toBeGreaterThan(150);
    expect(display.cpuMs).toBeGreaterThan(50);
    expect((await sharp(cleaned.value).metadata()).width).toBeGreaterThan(1000);
    expect((await sharp(display.value).metadata()).format).toBe('jpeg');
    // ... during which the main thread was never held (in place, the cleaned view's pixel
    // loops held it 35–75 ms at a time).
    expect(cleaned.maxDelayMs).toBeLessThan(20);
    expect(display.maxDelayMs).toBeLessThan(20);
    // The same image as the renderer itself makes.
    expect(sha(cleaned.value)).toBe(sha((await makeCleanedView(sample(HARD), viewTurnDeg(hard))).data));
  }, 60_000);

  it('flipping between two pages does not render again; a turn by the clerk does', async () => {
    const a1 = await view(hard, 'cleaned');
    const b1 = await view(other, 'cleaned');
    const again = await measured(async () => [await view(hard, 'cleaned'), await view(other, 'cleaned'), await view(hard, 'display')]);
    expect(sha(again.value[0])).toBe(sha(a1));
    expect(sha(again.value[1])).toBe(sha(b1));
    expect(again.cpuMs).toBeLessThan(60); // three renders would cost > 400 CPU-ms

    const before = await sharp(a1).metadata();
    await app.call('pages.rotate', { pageId: hard.id, rotation: 90 });
    const turned = await sharp(await view(hard, 'cleaned')).metadata();
    expect([turned.width, turned.height]).toEqual([before.height, before.width]);
    await app.call('pages.rotate', { pageId: hard.id, rotation: 0 });
    expect(sha(await view(hard, 'cleaned'))).toBe(sha(a1));
  }, 60_000);

  it('a damaged original fails with the same error as rendering it in place', async () => {
    const small = await sharp(sample(HARD)).resize({ width: 1200 }).jpeg({ quality: 80 }).toBuffer();
    const [page] = await app.call('pages.add', { dossierId, componentId: 'tokhai', files: [{ name: 'hong.jpg', dataBase64: small.toString('base64') }] });
    const blob = path.join(app.dir, 'pages', page.sha256.slice(0, 2), page.sha256.slice(2, 4), `${page.sha256}.jpg`);
    const damaged = small.subarray(0, Math.floor(small.length / 2));
    fs.writeFileSync(blob, damaged);
    const inPlace = await makeCleanedView(damaged).then(
      () => null,
      (e: Error) => e,
    );
    expect(inPlace?.name).toBe('OcrInputError');
    await expect(pageImage(app.services.pages, page.id, 'cleaned')).rejects.toMatchObject({ name: 'OcrInputError', message: inPlace!.message });
    await expect(pageImage(app.services.pages, page.id, 'display')).rejects.toThrow(/premature|truncat|corrupt/i);
    // Nothing was kept from the failure: a second ask fails again.
    await expect(pageImage(app.services.pages, page.id, 'cleaned')).rejects.toMatchObject({ name: 'OcrInputError' });
  }, 60_000);
});
