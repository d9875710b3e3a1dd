// The OCR pool end to end: real tesseract.js (local files only), preprocessing in a worker
// thread, one clean sample page to keep the run short.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cer } from '../../electron/services/ocr/cer';
import { type OcrPool, createOcrPool } from '../../electron/services/ocr/engine';
import { OcrCancelledError, OcrInputError } from '../../electron/services/ocr/errors';
import { samplesDir } from '../../bench/ocr';

const PAGE = 'dev004-p3';

async function smallTextImage(text: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="160">
    <rect width="100%" height="100%" fill="#fff"/>
    <text x="30" y="100" font-size="56" font-family="serif" fill="#000">${text}</text>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

describe('OCR pool', () => {
  let pool: OcrPool;
  beforeAll(async () => {
    pool = await createOcrPool({ size: 1 });
  });
  afterAll(async () => {
    await pool?.terminate();
  });

  it('reads a clean Vietnamese page with its diacritics, CER < 1 %', async () => {
    const image = readFileSync(path.join(samplesDir(), `${PAGE}-clean.png`));
    const truth = readFileSync(path.join(samplesDir(), `${PAGE}.txt`), 'utf8');
    const r = await pool.recognize(image);
    for (const word of ['điện tử', 'Nghị quyết', 'Chính phủ', 'hướng dẫn', 'chuẩn hóa', 'quốc gia', 'địa phương']) {
      expect(r.text).toContain(word);
    }
    expect(cer(truth, r.text)).toBeLessThan(0.01);
    expect(r.confidence).toBeGreaterThan(80);
    expect(r.words.length).toBeGreaterThan(200);
    const w = r.words[0];
    expect(w.bbox.x1).toBeGreaterThan(w.bbox.x0);
    expect(w.bbox.y1).toBeGreaterThan(w.bbox.y0);
    expect(r.page.rotationDeg).toBe(0);
    expect(r.timings.preprocessMs).toBeGreaterThan(0);
    expect(r.timings.ocrMs).toBeGreaterThan(0);
    expect(r.timings.totalMs).toBeGreaterThanOrEqual(r.timings.ocrMs);
  });

  it('cancels queued pages and keeps working', async () => {
    const img = await smallTextImage('Hộ tịch xã Bình Minh');
    const aborted = new AbortController();
    aborted.abort();
    await expect(pool.recognize(img, { signal: aborted.signal })).rejects.toBeInstanceOf(OcrCancelledError);

    const later = new AbortController();
    const first = pool.recognize(img);
    const second = pool.recognize(img, { signal: later.signal });
    const third = pool.recognize(img, { signal: later.signal });
    later.abort();
    await expect(second).rejects.toBeInstanceOf(OcrCancelledError);
    await expect(third).rejects.toBeInstanceOf(OcrCancelledError);
    const r = await first;
    expect(r.text).toContain('Hộ tịch');
    expect(pool.pending).toBe(0);
  });

  it('passes an input error from the worker thread back as OcrInputError', async () => {
    const err = await pool.recognize(Buffer.from('không phải ảnh')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OcrInputError);
    expect((err as OcrInputError).problem).toBe('not-image');
    expect((err as Error).message).toMatch(/không phải ảnh quét/);
  });
});
