// The page's turn is never guessed blindly, and a page that cannot be read says so: the real
// pool (tesseract.js with local files, OSD from @tesseract.js-data/osd) on pages made to fool
// the preprocessing cues, and on pages no OCR can read.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cer } from '../../electron/services/ocr/cer';
import { type OcrPool, createOcrPool } from '../../electron/services/ocr/engine';
import { preparePage } from '../../electron/services/ocr/preprocess';
import { makeUnreadablePages, samplesDir } from '../../bench/ocr';

const sample = (f: string) => path.join(samplesDir(), f);

/** A three-line page (dev004-p4) with a round seal printed in dark grey ink over its text:
 *  no colour to suppress, and the ring and star outweigh the few lines' cues. */
async function greySealPage(): Promise<Buffer> {
  const clean = sample('dev004-p4-clean.png');
  const { width: W = 0, height: H = 0 } = await sharp(clean).metadata();
  const cx = W * 0.2;
  const cy = H * 0.11;
  const star = [
    [0, -200],
    [60, -60],
    [200, -60],
    [90, 30],
    [130, 180],
    [0, 90],
    [-130, 180],
    [-90, 30],
    [-200, -60],
    [-60, -60],
  ]
    .map(([x, y]) => `${cx + x},${cy + y}`)
    .join(' ');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
    <g fill="none" stroke="rgb(90,90,90)"><circle cx="${cx}" cy="${cy}" r="260" stroke-width="40"/><circle cx="${cx}" cy="${cy}" r="208" stroke-width="14"/></g>
    <polygon points="${star}" fill="rgb(90,90,90)"/></svg>`;
  return sharp(clean)
    .toColourspace('srgb')
    .composite([{ input: Buffer.from(svg) }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

describe('the turn is checked, never guessed blindly', () => {
  let pool: OcrPool;
  let cuesOnly: OcrPool;
  let sealed: Buffer;
  const truth = readFileSync(sample('dev004-p4.txt'), 'utf8');
  beforeAll(async () => {
    [pool, cuesOnly] = await Promise.all([createOcrPool({ size: 2 }), createOcrPool({ size: 1, turnCheck: false })]);
    sealed = await greySealPage();
  }, 60_000);
  afterAll(async () => {
    await Promise.all([pool?.terminate(), cuesOnly?.terminate()]);
  });

  it('the page is made to fool the cues: alone they turn it upside down (what the pipeline did before the check)', async () => {
    expect((await preparePage(sealed)).rotationDeg).toBe(180);
    const r = await cuesOnly.recognize(sealed);
    expect(r.page.rotationDeg).toBe(180);
    expect(r.readability.readable).toBe(false);
  }, 60_000);

  it('a seal over the body text does not change the turn: the page in each of its four turns is read upright', async () => {
    await Promise.all(
      [0, 90, 180, 270].map(async (deg) => {
        const input = deg === 0 ? sealed : await sharp(sealed).rotate(deg).jpeg({ quality: 90 }).toBuffer();
        const r = await pool.recognize(input);
        expect(r.page.rotationDeg, `turned ${deg}°`).toBe((360 - deg) % 360);
        // The wrong turn of the cues was read too and lost: the fallback ran.
        expect(r.turn.basis).toBe('read');
        expect(r.turn.tried.length).toBeGreaterThan(1);
        expect(r.text).toContain('CHÁNH VĂN PHÒNG');
        expect(r.quality.syllableShare).toBeGreaterThan(0.5);
        console.log(`[turn] sealed page turned ${deg}°: ${r.turn.tried.join('/')}° read, CER ${(cer(truth, r.text) * 100).toFixed(1)} %`);
      }),
    );
  }, 120_000);

  it('a page whose cues say "sideways" (a block of vertical bars under a few lines) is read the right way round', async () => {
    const clean = sample('dev012-p1-clean.png');
    const { width: W = 0, height: H = 0 } = await sharp(clean).metadata();
    const top = await sharp(clean)
      .extract({ left: 0, top: 0, width: W, height: Math.round(H * 0.3) })
      .toBuffer();
    const bars = Array.from({ length: 60 }, (_, i) => `<rect x="${250 + i * 33}" y="${Math.round(H * 0.35)}" width="${8 + (i % 3) * 6}" height="${Math.round(H * 0.55)}"/>`).join('');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="100%" height="100%" fill="white"/>${bars}</svg>`;
    // At 150 dpi: a sideways read of the bars is slow at full size, and the cues are fooled alike.
    const full = await sharp(Buffer.from(svg))
      .composite([{ input: top, top: 0, left: 0 }])
      .greyscale()
      .png()
      .toBuffer();
    const page = await sharp(full)
      .resize({ width: Math.round(W / 2) })
      .png()
      .toBuffer();
    expect((await preparePage(page)).rotationDeg).toBe(90); // the cues alone
    const r = await pool.recognize(page);
    expect(r.page.rotationDeg).toBe(0);
    expect(r.turn.basis).not.toBe('cues');
    expect(r.text).toContain('ĐƠN ĐỀ NGHỊ');
  }, 180_000);

  it("the clerk's turn wins: given, it is read as given and not checked", async () => {
    const r = await pool.recognize(sealed, { preprocess: { knownRotationDeg: 180 } });
    expect(r.page.rotationDeg).toBe(180);
    expect(r.turn).toMatchObject({ basis: 'given', tried: [180], osd: null });
  }, 60_000);
});

describe('a page that cannot be read says so', () => {
  let pool: OcrPool;
  beforeAll(async () => {
    pool = await createOcrPool({ size: 2 });
  });
  afterAll(async () => {
    await pool?.terminate();
  });

  it('blank paper, a photo, noise and text blurred beyond reading are flagged with a reason; a readable page is not', async () => {
    const clean = readFileSync(sample('dev004-p4-clean.png'));
    const bad = await makeUnreadablePages([{ name: 'dev004-p4', quality: 'clean', file: sample('dev004-p4-clean.png'), truth: '' }]);
    expect(bad.map((b) => b.kind)).toEqual(['blank', 'photo', 'noise', 'blurred dev004-p4']);
    const results = await Promise.all(bad.map((b) => pool.recognize(b.image)));
    for (const [i, r] of results.entries()) {
      expect(r.readability.readable, bad[i].kind).toBe(false);
      expect(['blurred', 'skewed', 'covered', 'not-text']).toContain(r.readability.reason);
    }
    expect(results[0].readability.reason).toBe('not-text');
    const ok = await pool.recognize(clean);
    expect(ok.readability).toEqual({ readable: true, reason: null });
  }, 120_000);
});
