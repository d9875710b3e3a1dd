// Long files and a busy OCR queue, in Chromium against the loopback app (whose main process
// is this test process: the OCR pool's threads run here too).
//
// 1. A 60-page PDF picked in the file input imports in the background: "Đang nhập trang
//    k/60…" counts up, pages appear before the import ends, "Dừng nhập" keeps them; a PDF
//    with a damaged page 6 says which page failed and keeps pages 1–5.
// 2. Responsiveness with 50 pages queued for OCR in one dossier (50 scans picked at once,
//    then all 50 queued again so the whole queue is ahead): while the real OCR pool is busy,
//    keystrokes in the list search box and the intake form, and switches between the list,
//    the dossier (its 50 pages) and the intake screen are timed inside the page; the main
//    process's event loop is sampled meanwhile (delay, call wait) and during a pause
//    (utilisation). Bounds, why, and what inline OCR preprocessing measured: see LIMITS.
//    Slow by nature (~1.5–2 min on a shared 2-core machine): real OCR of 300 dpi scans.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance as perf } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type Run, e2eRuns } from './support/harness';
import { Shell, ListPage, waitVisible } from './support/pages';
import { LOAN } from './support/data';
import { receiveDossier, setUpUnit } from './support/seed';
import { corruptPage, numberedPdf, SAMPLES } from '../pages/helpers';

/**
 * What a clerk accepts while 50 pages are being read, with room for a CI machine whose two
 * cores are shared with other jobs (the OCR pool alone keeps both busy):
 * - a keystroke shows within 100 ms at the 95th percentile (the usual limit for "instant"
 *   echo) and never later than 250 ms (one noticeable hitch, not a frozen field);
 * - a screen switch, including its data from the main process (the list's query, the
 *   dossier with its 50 pages), is complete within 500 ms at the median and 1 s at worst;
 * - the main process's event loop, which serves every call of the UI: p99 delay under
 *   200 ms, and a call arriving at a random moment waits under 300 ms in 99 % of cases
 *   (stallSampler). Measured here with the pool in worker threads: p99 37–51 ms, call wait
 *   56–118 ms (a WAL checkpoint's fsync can stall the loop ~0.2–0.4 s on a busy disk);
 *   these catch long blocks (rasterising a PDF page on this thread took 0.6–1 s);
 * - while the clerk pauses, the OCR queue keeps the main loop busy under 15 % of the time
 *   (eventLoopUtilization). This is what fails when OCR preprocessing runs on the main
 *   thread (preprocessIn 'inline', tried once): 0.31 against 0.06 with the worker threads —
 *   its pixel loops come in 100–200 ms slices between sharp's asynchronous steps, so the delay
 *   percentiles rose less clearly (p99 59–94 ms, call wait 101–108 ms, detail switch up to
 *   614 ms against 330 ms).
 */
const LIMITS = { keyP95: 100, keyMax: 250, switchMedian: 500, switchMax: 1000, loopP99: 200, callWaitP99: 300, quietUtilisation: 0.15 };

const startRun = e2eRuns();
let run: Run | null = null;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-e2e-load-'));
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function openDossier(r: Run, code: string) {
  await new Shell(r.page).goList();
  const list = new ListPage(r.page);
  await list.search(code);
  await waitVisible(list.rows());
  await list.rows().first().click();
  await waitVisible(r.page.locator('[data-testid="pages-panel"]'));
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

describe('a long PDF imports with progress', () => {
  it('shows "Đang nhập trang k/60…", pages appear while it runs, stop keeps them; a damaged page is named', async () => {
    run = await startRun('import-progress');
    await setUpUnit(run);
    const d = await receiveDossier(run, '2.000815', LOAN);
    const componentId = d.components[0].componentId;
    const page = run.page;
    await openDossier(run, d.code);

    const file = path.join(tmp, 'ho-so-60-trang.pdf');
    fs.writeFileSync(file, await numberedPdf(60));
    await page.locator(`[data-testid="pages-input-${componentId}"]`).setInputFiles(file);
    const text = page.locator(`[data-testid="import-text-${componentId}"]`);
    await expect.poll(async () => /^Đang nhập trang (\d+)\/60…$/.exec((await text.textContent().catch(() => '')) ?? '')?.[1], { timeout: 30_000, interval: 100 }).toBeTruthy();
    // Pages show up while the import is still running.
    const thumbs = page.locator(`[data-testid="pages-component-${componentId}"] [data-testid="page-thumb-img"]`);
    await expect.poll(() => thumbs.count(), { timeout: 30_000, interval: 200 }).toBeGreaterThanOrEqual(3);
    expect(await page.locator(`[data-testid="import-progress-${componentId}"]`).getAttribute('data-state')).toBe('importing');
    const shown = Number(/trang (\d+)\/60/.exec((await text.textContent())!)![1]);
    expect(shown).toBeGreaterThanOrEqual(3);
    await page.locator(`[data-testid="import-progress-${componentId}"]`).scrollIntoViewIfNeeded();
    await run.shot('import-progress');

    await page.locator(`[data-testid="import-cancel-${componentId}"]`).click();
    const result = page.locator(`[data-testid="import-result-${componentId}"]`);
    await waitVisible(result);
    const msg = (await result.textContent())!;
    const kept = Number(/giữ (\d+) trang đã nhập, (\d+) trang chưa nhập/.exec(msg)![1]);
    expect(kept).toBeGreaterThanOrEqual(3);
    expect(kept).toBeLessThan(60);
    await run.shot('import-stopped');
    await expect.poll(async () => (await run!.call('pages.list', { dossierId: d.id, componentId })).pages.length, { timeout: 5_000 }).toBe(kept);
    await expect.poll(() => thumbs.count(), { timeout: 10_000 }).toBe(kept);

    // A damaged page: the ones before it stay, the message names it.
    await page.locator(`[data-testid="import-dismiss-${componentId}"]`).click();
    const bad = path.join(tmp, 'hong.pdf');
    fs.writeFileSync(bad, corruptPage(await numberedPdf(8), 6));
    await page.locator(`[data-testid="pages-input-${componentId}"]`).setInputFiles(bad);
    await waitVisible(result, 60_000);
    expect(await result.getAttribute('data-state')).toBe('failed');
    expect(await result.textContent()).toContain('Trang 6/8 của tệp "hong.pdf" không đọc được: nội dung của trang bị hỏng.');
    expect(await result.textContent()).toContain('Đã lưu 5/8 trang');
    await expect.poll(() => thumbs.count(), { timeout: 10_000 }).toBe(kept + 5);
    await run.shot('import-damaged-page');
    expect(run.pageErrors).toEqual([]);
  });
});

/**
 * How long a call from the UI waits for the main process's event loop if it arrives at a
 * random moment: a 5 ms timer records each stall, and a call arriving during a stall of s ms
 * waits between 0 and s. monitorEventLoopDelay counts one sample per stall however long it
 * is, so its p99 hardly moves when a few long stalls cover much of the time; this does.
 * Returns the 99th percentile of that wait, ms.
 */
function stallSampler(): { stop(): number } {
  const excess: number[] = [];
  const t0 = performance.now();
  let last = t0;
  const timer = setInterval(() => {
    const now = performance.now();
    excess.push(Math.max(0, now - last - 5));
    last = now;
  }, 5);
  return {
    stop() {
      clearInterval(timer);
      const total = performance.now() - t0;
      const over = (x: number) => excess.reduce((a, e) => a + Math.max(0, e - x), 0);
      let lo = 0;
      let hi = Math.max(0, ...excess);
      while (hi - lo > 0.5) {
        const mid = (lo + hi) / 2;
        if (over(mid) > 0.01 * total) lo = mid;
        else hi = mid;
      }
      return Math.round(hi);
    },
  };
}

/** In-page timers: key → next frame after it, and action → the awaited element painted. */
async function installProbes(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __keys: number[]; __t0: number };
    w.__keys = [];
    w.__t0 = 0;
    const afterPaint = (t0: number, done: (ms: number) => void) => requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0));
    document.addEventListener(
      'keydown',
      (e) => {
        w.__t0 = e.timeStamp;
        if (e.key.length === 1) afterPaint(e.timeStamp, (ms) => w.__keys.push(ms));
      },
      true,
    );
    document.addEventListener('mousedown', (e) => (w.__t0 = e.timeStamp), true);
  });
}

/** Does `act` (a key press or click) and returns the ms from its input event until `ready` is true and painted. */
async function timeSwitch(page: Page, act: () => Promise<void>, ready: string): Promise<number> {
  await act();
  return page.evaluate(
    (src) =>
      new Promise<number>((resolve, reject) => {
        const w = window as unknown as { __t0: number };
        const test = new Function(`return (${src})`) as () => boolean;
        const check = () => {
          if (test()) requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - w.__t0), 0));
          else if (performance.now() - w.__t0 > 15_000) reject(new Error(`not ready: ${src}`));
          else requestAnimationFrame(check);
        };
        check();
      }),
    ready,
  );
}

describe('responsiveness with 50 pages queued for OCR', () => {
  it('keystrokes, screen switches and the main process stay responsive while the OCR pool is busy', { timeout: 300_000 }, async () => {
    run = await startRun('ocr-load');
    await setUpUnit(run);
    const d = await receiveDossier(run, '2.000815', LOAN);
    const componentId = d.components[0].componentId;
    const page = run.page;
    await openDossier(run, d.code);

    // 50 scanned pages (the sample scans, repeated under their own names), picked at once.
    const scans = fs
      .readdirSync(SAMPLES)
      .filter((f) => /-(scan|hard)\.jpg$|-clean\.png$/.test(f))
      .sort();
    const files = Array.from({ length: 50 }, (_, i) => {
      const src = scans[i % scans.length];
      const dest = path.join(tmp, `trang-${String(i + 1).padStart(2, '0')}${path.extname(src)}`);
      fs.copyFileSync(path.join(SAMPLES, src), dest);
      return dest;
    });
    await page.locator(`[data-testid="pages-input-${componentId}"]`).setInputFiles(files);
    await waitVisible(page.locator(`[data-testid="import-progress-${componentId}"]`), 30_000);
    await waitVisible(page.locator(`[data-testid="import-result-${componentId}"]`), 240_000);
    expect(await page.locator(`[data-testid="import-result-${componentId}"]`).textContent()).toContain('Đã nhập 50 trang');
    // OCR started with the first stored page; read all 50 again so that the whole queue is
    // ahead when the measurement starts (the pool is warm by now).
    await run.call('ocr.cancel', { dossierId: d.id });
    for (const p of (await run.call('pages.list', { dossierId: d.id })).pages) await run.call('ocr.retry', { pageId: p.id });
    const queued = await run.call('ocr.status', { dossierId: d.id });
    expect(queued.counts.queued + queued.counts.running).toBe(50);
    await expect.poll(async () => (await run!.call('ocr.status', { dossierId: d.id })).queue.running, { timeout: 60_000 }).toBeGreaterThan(0);
    const indicator = page.locator('[data-testid="ocr-waiting"]');
    await expect.poll(async () => (await indicator.textContent().catch(() => '')) ?? '', { timeout: 10_000 }).toMatch(/^OCR: \d+\/50 trang$/);
    await run.shot('50-pages-queued');

    // The measured window: the OCR pool is busy throughout (checked at both ends).
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const elu0 = perf.eventLoopUtilization();
    const stalls = stallSampler();
    await installProbes(page);
    const switches: Record<string, number[]> = { list: [], detail: [], intake: [] };
    const list = new ListPage(page);
    for (let round = 0; round < 3; round++) {
      switches.list.push(await timeSwitch(page, () => page.keyboard.press('F3'), `!!document.querySelector('[data-testid="dossier-row"]')`));
      await list.t('list-search').focus();
      await page.keyboard.type(`Nguyen Thi Loan ${round}`, { delay: 60 });
      await list.t('list-search').fill(d.code);
      await expect.poll(() => list.rows().count(), { timeout: 10_000 }).toBe(1);
      switches.detail.push(await timeSwitch(page, () => list.rows().first().click(), `document.querySelector('[data-testid="pages-panel"] .badge')?.textContent === '50 trang'`));
      switches.intake.push(await timeSwitch(page, () => page.keyboard.press('F2'), `!!document.querySelector('[data-testid="applicant-fullName"]')`));
      await page.locator('[data-testid="applicant-fullName"]').focus();
      await page.keyboard.type(`Tran Van Binh ${round}`, { delay: 60 });
      await page.locator('[data-testid="applicant-phone"]').focus();
      await page.keyboard.type('0912345678', { delay: 60 });
    }
    // Every keystroke arrived (the intake form keeps its draft between visits).
    expect(await page.locator('[data-testid="applicant-fullName"]').inputValue()).toContain('Tran Van Binh 2');
    expect(await page.locator('[data-testid="applicant-phone"]').inputValue()).toMatch(/0912345678$/);
    loop.disable();
    const elu = perf.eventLoopUtilization(elu0).utilization;
    const callWaitP99 = stalls.stop();
    // The clerk pauses on the intake screen (which polls nothing): what keeps the main loop
    // busy now is the OCR queue's own work on it.
    await page.keyboard.press('F2');
    await page.waitForTimeout(500);
    const quiet0 = perf.eventLoopUtilization();
    await new Promise((r) => setTimeout(r, 6_000));
    const quietElu = perf.eventLoopUtilization(quiet0).utilization;
    const keys = await page.evaluate(() => (window as unknown as { __keys: number[] }).__keys);
    const after = await run.call('ocr.status', { dossierId: d.id });
    expect(after.queue.running + after.queue.queued, 'the OCR pool stayed busy through the measurement').toBeGreaterThan(0);

    const loopP99 = loop.percentile(99) / 1e6;
    const allSwitches = Object.values(switches).flat();
    const report = {
      keys: { n: keys.length, p50: pct(keys, 50), p95: pct(keys, 95), max: Math.max(...keys) },
      switches: Object.fromEntries(Object.entries(switches).map(([k, v]) => [k, v.map(Math.round)])),
      loop: { p50: loop.percentile(50) / 1e6, p99: loopP99, max: loop.max / 1e6, utilisation: Math.round(elu * 1000) / 1000, callWaitP99, quietUtilisation: Math.round(quietElu * 1000) / 1000 },
      ocrLeft: after.queue.queued + after.queue.running,
    };
    console.log(`[ocr-load] ${JSON.stringify(report)}`);
    await run.shot('after-measurement');

    expect(keys.length).toBeGreaterThanOrEqual(100);
    expect(report.keys.p95).toBeLessThan(LIMITS.keyP95);
    expect(report.keys.max).toBeLessThan(LIMITS.keyMax);
    expect(pct(allSwitches, 50)).toBeLessThan(LIMITS.switchMedian);
    expect(Math.max(...allSwitches)).toBeLessThan(LIMITS.switchMax);
    expect(loopP99).toBeLessThan(LIMITS.loopP99);
    expect(callWaitP99).toBeLessThan(LIMITS.callWaitP99);
    expect(quietElu).toBeLessThan(LIMITS.quietUtilisation);
    expect(run.pageErrors).toEqual([]);

    await run.call('ocr.cancel', { dossierId: d.id });
  });
});
