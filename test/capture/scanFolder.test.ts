// The watched scan folder, with real files written the way a scanner's own software (or
// a copy over a slow network share) writes them: in chunks, with pauses.
import { samplesDir } from '../../bench/ocr';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openAppServices } from '../../electron/services/app';
import { IMPORTED_DIR, REJECTED_DIR } from '../../electron/services/scanner/scanFolder';
import { openTestApp, waitFor, type TestApp } from './helpers';

const SAMPLE = path.join(samplesDir(), 'dev002-p1-clean.png');
let jpeg: Buffer;
beforeAll(async () => {
  const src = fs.existsSync(SAMPLE) ? sharp(SAMPLE) : sharp({ create: { width: 1240, height: 1754, channels: 3, background: '#f4f4f0' } });
  jpeg = await src.resize({ width: 1240 }).jpeg({ quality: 80 }).toBuffer();
});

let app: TestApp | null = null;
let folder = '';
afterEach(async () => {
  await app?.close();
  app = null;
  if (folder) fs.rmSync(folder, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function setUp(): Promise<TestApp> {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-scanfolder-'));
  app = await openTestApp();
  const st = await app.call('scanFolder.set', { path: folder });
  expect(st).toEqual({ path: folder, watching: true, problem: null });
  return app;
}

/** Writes `data` into `file` in `chunks` appends, `gapMs` apart (fsync'd, so size and mtime move). */
async function writeSlowly(file: string, data: Buffer, chunks: number, gapMs: number, onChunk?: (i: number) => Promise<void>) {
  const fd = fs.openSync(file, 'w');
  try {
    const size = Math.ceil(data.length / chunks);
    for (let i = 0; i < chunks; i++) {
      fs.writeSync(fd, data, i * size, Math.min(size, data.length - i * size));
      fs.fsyncSync(fd);
      await onChunk?.(i);
      if (i < chunks - 1) await sleep(gapMs);
    }
  } finally {
    fs.closeSync(fd);
  }
}

describe('watched scan folder', () => {
  it('a file written in chunks over ~3 s is taken exactly once, only when complete, byte-identical; then assigned', async () => {
    const a = await setUp();
    const file = path.join(folder, 'Scan_0001.jpg');
    const seenWhileWriting: number[] = [];
    await writeSlowly(file, jpeg, 12, 250, async () => {
      seenWhileWriting.push((await a.call('inbox.list', {})).length);
    });
    const writtenAt = Date.now();
    expect(seenWhileWriting.every((n) => n === 0)).toBe(true);

    const [item] = await waitFor(
      () => a.call('inbox.list', {}),
      (l) => l.length > 0,
      10_000,
    );
    // Not before it had been still for ≥ 1.5 s.
    expect(Date.now() - writtenAt).toBeGreaterThanOrEqual(1400);
    expect(item).toMatchObject({ fileName: 'Scan_0001.jpg', mime: 'image/jpeg', size: jpeg.length, width: 1240 });
    expect(item.thumbnail).toMatch(/^data:image\/jpeg;base64,/);
    expect(a.services.capture.inbox.get(item.id).data.equals(jpeg)).toBe(true);

    // Moved (never deleted) into `đã nhập`, unchanged; and not taken a second time.
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readFileSync(path.join(folder, IMPORTED_DIR, 'Scan_0001.jpg')).equals(jpeg)).toBe(true);
    await sleep(2000);
    expect(await a.call('inbox.list', {})).toHaveLength(1);

    const pages = await a.call('inbox.assign', { items: [item.id], dossierId: a.dossierId, componentId: a.componentId });
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ source: 'folder', fileName: 'Scan_0001.jpg', byteSize: jpeg.length, width: 1240 });
    const list = await a.call('pages.list', { dossierId: a.dossierId, componentId: a.componentId });
    expect(list.pages.map((p) => p.id)).toEqual([pages[0].id]);
    expect(await a.call('inbox.list', {})).toEqual([]);
  });

  it('a partially written file that stalls is not taken; once finished it is taken whole', async () => {
    const a = await setUp();
    const file = path.join(folder, 'stalled.jpg');
    const half = Math.floor(jpeg.length / 2);
    fs.writeFileSync(file, jpeg.subarray(0, half));
    // Still for 3 s: past the 1.5 s stability window, but a truncated image is not taken.
    await sleep(3000);
    expect(await a.call('inbox.list', {})).toEqual([]);
    expect(fs.existsSync(file)).toBe(true);
    fs.appendFileSync(file, jpeg.subarray(half));
    const [item] = await waitFor(
      () => a.call('inbox.list', {}),
      (l) => l.length > 0,
      10_000,
    );
    expect(a.services.capture.inbox.get(item.id).data.equals(jpeg)).toBe(true);
    expect(fs.existsSync(path.join(folder, REJECTED_DIR))).toBe(false);
  });

  it('a file that is not JPEG/PNG/TIFF/PDF is refused into `lỗi` with a .txt reason', async () => {
    const a = await setUp();
    fs.writeFileSync(path.join(folder, 'ghi chú.jpg'), 'Đây không phải là ảnh.\n');
    const reason = path.join(folder, REJECTED_DIR, 'ghi chú.jpg.txt');
    await waitFor(
      () => fs.existsSync(reason),
      (v) => v,
      10_000,
    );
    expect(fs.readFileSync(reason, 'utf8')).toContain('Lý do: Không phải tệp ảnh JPEG, PNG, TIFF hoặc tệp PDF');
    expect(fs.readFileSync(path.join(folder, REJECTED_DIR, 'ghi chú.jpg'), 'utf8')).toBe('Đây không phải là ảnh.\n');
    expect(fs.existsSync(path.join(folder, 'ghi chú.jpg'))).toBe(false);
    expect(await a.call('inbox.list', {})).toEqual([]);
  });

  it('scanFolder.set checks the folder exists and is a folder; the setting survives a restart', async () => {
    const a = await setUp();
    const missing = await a.callError('scanFolder.set', { path: path.join(folder, 'không có') });
    expect(missing).toMatchObject({ code: 'invalid', message: 'Thư mục này không tồn tại hoặc không truy cập được.' });
    fs.writeFileSync(path.join(folder, 'a.pdf.tmp'), 'x');
    const notDir = await a.callError('scanFolder.set', { path: path.join(folder, 'a.pdf.tmp') });
    expect(notDir.message).toBe('Đường dẫn này là một tệp, không phải thư mục.');
    const relative = await a.callError('scanFolder.set', { path: 'Scan' });
    expect(relative.message).toMatch(/^Nhập đường dẫn đầy đủ/);
    expect(await a.call('scanFolder.get', {})).toMatchObject({ path: folder, watching: true });
    const again = openAppServices({ dataDir: a.dataDir });
    try {
      expect(again.capture.scanFolderState().path).toBe(folder);
    } finally {
      await again.capture.close();
      await again.closeAsync();
    }
    // Discarding keeps the original in `đã nhập`.
    fs.writeFileSync(path.join(folder, 'x.jpg'), jpeg);
    const [item] = await waitFor(
      () => a.call('inbox.list', {}),
      (l) => l.length > 0,
      10_000,
    );
    expect(await a.call('inbox.discard', { items: [item.id] })).toEqual([]);
    expect(fs.existsSync(path.join(folder, IMPORTED_DIR, 'x.jpg'))).toBe(true);
    // The temp-looking file was never touched.
    expect(fs.existsSync(path.join(folder, 'a.pdf.tmp'))).toBe(true);
    expect((await a.call('scanFolder.set', { path: '' })).path).toBeNull();
  });
});
