// The SANE driver, for real: `scanimage` with SANE's built-in `test` backend (enabled by
// a private SANE_CONFIG_DIR), driven THROUGH THE APP's contract (scanner.list /
// scanner.scan / scanner.job), the pages landing in the dossier's component via addPages.
//
// A scanner that disappears mid-feed cannot be made with the test backend (its
// --read-return-value fails every page, not page k), so that case runs the same driver
// against a stand-in `scanimage` (a tiny sh script, FAKE_MODE below) that writes 2 pages
// the way scanimage does (pN.png.part → pN.png, name printed by --batch-print), then
// prints SANE's I/O error and exits 1.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SaneDriver } from '../../electron/services/scanner/sane';
import { openTestApp, saneTestConfig, waitFor, type TestApp } from './helpers';

let hasScanimage = true;
try {
  execFileSync('scanimage', ['--version'], { stdio: 'ignore' });
} catch {
  hasScanimage = false;
}

let saneDir = '';
let app: TestApp | null = null;
const tempDirs: string[] = [];
beforeAll(() => {
  saneDir = saneTestConfig();
  tempDirs.push(saneDir);
});
afterAll(() => {
  for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
});
afterEach(async () => {
  await app?.close();
  app = null;
});

const FAKE_SCANIMAGE = `#!/bin/sh
# A stand-in for scanimage: a sheet-fed scanner that vanishes after 2 pages (FAKE_MODE=vanish)
# or stops answering after 1 page (FAKE_MODE=hang).
pattern=""
for a in "$@"; do
  case "$a" in
    --formatted-device-list=*) printf 'fake:0\\037Fake\\037Vanishing ADF\\037sheetfed scanner\\n'; exit 0 ;;
    --all-options) printf '  Scan Mode:\\n    --mode Lineart|Gray|Color [Gray]\\n        Mode.\\n    --resolution 75|150|300dpi [150]\\n        Res.\\n    --source ADF Front|ADF Duplex [ADF Front]\\n        Source.\\n'; exit 0 ;;
    --batch=*) pattern="\${a#--batch=}" ;;
  esac
done
dir=$(dirname "$pattern")
page() {
  f=$(printf '%s/p%04d.png' "$dir" "$1")
  cp "$FAKE_PNG" "$f.part" && mv "$f.part" "$f"
  echo "$f"
  echo "Scanned page $1. (scanner status = 5)" >&2
}
page 1
if [ "$FAKE_MODE" = hang ]; then sleep 30; exit 0; fi
page 2
echo "scanimage: sane_read: Error during device I/O" >&2
exit 1
`;

async function fakeScanner(mode: 'vanish' | 'hang'): Promise<{ command: string; env: Record<string, string> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-fakescan-'));
  tempDirs.push(dir);
  const command = path.join(dir, 'scanimage');
  fs.writeFileSync(command, FAKE_SCANIMAGE, { mode: 0o755 });
  const png = path.join(dir, 'page.png');
  await sharp({ create: { width: 200, height: 280, channels: 3, background: '#ffffff' } })
    .png()
    .toFile(png);
  return { command, env: { FAKE_PNG: png, FAKE_MODE: mode } };
}

describe.skipIf(!hasScanimage)('SANE test backend through the scanner service', () => {
  it('lists test:0 with its resolutions, modes and sources', async () => {
    app = await openTestApp({ driver: new SaneDriver({ env: { SANE_CONFIG_DIR: saneDir } }) });
    const devices = await app.call('scanner.list', {});
    const t0 = devices.find((d) => d.name === 'test:0');
    expect(t0).toBeDefined();
    expect(t0!.vendor).toBe('Noname');
    expect(t0!.driver).toBe('sane');
    expect(t0!.resolutions).toEqual(expect.arrayContaining([75, 150, 300, 600]));
    expect(t0!.modes).toEqual(['gray', 'color']);
    expect(t0!.sources).toEqual(['flatbed', 'adf']);
  });

  it('a flatbed page at 75 dpi lands in the dossier component (source scanner, dpi 75)', async () => {
    app = await openTestApp({ driver: new SaneDriver({ env: { SANE_CONFIG_DIR: saneDir } }) });
    const { jobId } = await app.call('scanner.scan', {
      dossierId: app.dossierId,
      componentId: app.componentId,
      device: 'test:0',
      resolution: 75,
      mode: 'gray',
      source: 'flatbed',
    });
    const job = await waitFor(
      () => app!.call('scanner.job', { jobId }),
      (j) => j.state !== 'scanning',
    );
    expect(job).toMatchObject({ state: 'done', pagesDone: 1, pagesRequested: 1, message: null });
    const list = await app.call('pages.list', { dossierId: app.dossierId, componentId: app.componentId });
    expect(list.pages).toHaveLength(1);
    const p = list.pages[0];
    expect(p).toMatchObject({ source: 'scanner', dpi: 75, mime: 'image/png', id: job.pageIds[0] });
    // The test backend's default area is 80 × 100 mm: at 75 dpi, 236 × 295 pixels.
    expect([p.width, p.height]).toEqual([236, 295]);
  });

  it('an ADF batch of 3 pages gives 3 pages, in scan order', async () => {
    app = await openTestApp({ driver: new SaneDriver({ env: { SANE_CONFIG_DIR: saneDir } }) });
    const { jobId } = await app.call('scanner.scan', {
      dossierId: app.dossierId,
      componentId: app.componentId,
      device: 'test:0',
      resolution: 100,
      mode: 'color',
      source: 'adf',
      pages: 3,
    });
    const job = await waitFor(
      () => app!.call('scanner.job', { jobId }),
      (j) => j.state !== 'scanning',
    );
    expect(job).toMatchObject({ state: 'done', pagesDone: 3, pagesRequested: 3 });
    const { pages } = await app.call('pages.list', { dossierId: app.dossierId, componentId: app.componentId });
    expect(pages.map((p) => p.fileName)).toEqual(['quet-001.png', 'quet-002.png', 'quet-003.png']);
    expect(pages.map((p) => p.id)).toEqual(job.pageIds);
    expect(pages.map((p) => p.position)).toEqual([...pages.map((p) => p.position)].sort((a, b) => a - b));
    expect(pages.every((p) => p.source === 'scanner' && p.dpi === 100)).toBe(true);
  });

  it('a feeder that runs empty before the count asked for keeps what it scanned and says so', async () => {
    // The test backend's feeder is "empty" after 10 sheets.
    app = await openTestApp({ driver: new SaneDriver({ env: { SANE_CONFIG_DIR: saneDir } }) });
    const { jobId } = await app.call('scanner.scan', {
      dossierId: app.dossierId,
      componentId: app.componentId,
      device: 'test:1',
      resolution: 50,
      mode: 'gray',
      source: 'adf',
      pages: 12,
    });
    const job = await waitFor(
      () => app!.call('scanner.job', { jobId }),
      (j) => j.state !== 'scanning',
      20_000,
    );
    expect(job.state).toBe('done');
    expect(job.pagesDone).toBe(10);
    expect(job.message).toBe('Khay nạp giấy hết sau 10/12 trang.');
  });

  it('refuses a device name that would read as an option, in Vietnamese', async () => {
    app = await openTestApp({ driver: new SaneDriver({ env: { SANE_CONFIG_DIR: saneDir } }) });
    const err = await app.callError('scanner.scan', {
      dossierId: app.dossierId,
      componentId: app.componentId,
      device: '--help',
      resolution: 75,
      mode: 'gray',
      source: 'flatbed',
    });
    expect(err.code).toBe('invalid');
    expect(err.message).toBe('Tên máy quét không hợp lệ.');
  });
});

describe('a scanner that fails mid-feed (stand-in scanimage)', () => {
  it('keeps the 2 pages scanned before the device vanished and reports the rest failed, in Vietnamese', async () => {
    const fake = await fakeScanner('vanish');
    app = await openTestApp({ driver: new SaneDriver({ command: fake.command, env: fake.env }) });
    const devices = await app.call('scanner.list', {});
    expect(devices).toEqual([expect.objectContaining({ name: 'fake:0', sources: ['adf', 'adfDuplex'], modes: ['lineart', 'gray', 'color'] })]);
    const { jobId } = await app.call('scanner.scan', {
      dossierId: app.dossierId,
      componentId: app.componentId,
      device: 'fake:0',
      resolution: 150,
      mode: 'gray',
      source: 'adf',
      pages: 5,
    });
    const job = await waitFor(
      () => app!.call('scanner.job', { jobId }),
      (j) => j.state !== 'scanning',
    );
    expect(job.state).toBe('failed');
    expect(job.pagesDone).toBe(2);
    expect(job.message).toBe(
      'Máy quét dừng sau 2 trang: Mất kết nối với máy quét (máy bị tắt, rút cáp hoặc lỗi thiết bị). Đã giữ 2 trang đã quét; các trang còn lại chưa quét được, hãy quét tiếp.',
    );
    const { pages } = await app.call('pages.list', { dossierId: app.dossierId, componentId: app.componentId });
    expect(pages.map((p) => p.fileName)).toEqual(['quet-001.png', 'quet-002.png']);
  });

  it('cancel kills the process group; the page already scanned is kept', async () => {
    const fake = await fakeScanner('hang');
    app = await openTestApp({ driver: new SaneDriver({ command: fake.command, env: fake.env }) });
    const { jobId } = await app.call('scanner.scan', {
      dossierId: app.dossierId,
      componentId: app.componentId,
      device: 'fake:0',
      resolution: 150,
      mode: 'gray',
      source: 'adf',
    });
    await waitFor(
      () => app!.call('scanner.job', { jobId }),
      (j) => j.pagesDone === 1,
    );
    const t0 = Date.now();
    await app.call('scanner.cancel', { jobId });
    const job = await waitFor(
      () => app!.call('scanner.job', { jobId }),
      (j) => j.state !== 'scanning',
    );
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(job).toMatchObject({ state: 'cancelled', pagesDone: 1, message: 'Đã huỷ; giữ 1 trang đã quét.' });
  });

  it('a scanner that stops answering is stopped by the page timeout, never hangs', async () => {
    const fake = await fakeScanner('hang');
    app = await openTestApp({ driver: new SaneDriver({ command: fake.command, env: fake.env, pageTimeoutMs: 800 }) });
    const { jobId } = await app.call('scanner.scan', {
      dossierId: app.dossierId,
      componentId: app.componentId,
      device: 'fake:0',
      resolution: 75,
      mode: 'gray',
      source: 'adf',
      pages: 3,
    });
    const job = await waitFor(
      () => app!.call('scanner.job', { jobId }),
      (j) => j.state !== 'scanning',
      8000,
    );
    expect(job.state).toBe('failed');
    expect(job.pagesDone).toBe(1);
    expect(job.message).toMatch(/^Máy quét dừng sau 1 trang: máy quét không phản hồi sau 1 giây\./);
  });
});
