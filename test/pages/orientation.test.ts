// Pages that come in sideways, upside down or askew: the turn and skew are measured once at
// import (migration 6 columns) and applied to the display, the thumbnail and the compact copy
// sent to the province, never to the kept original; the clerk's own turn goes on top and
// also steers the OCR; the cleaned view fades the seal. Real files, real SQLite, sharp.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/services/db/database';
import { MIGRATIONS } from '../../electron/services/db/migrations';
import { analysePage, makeCompactCopy, preparePage } from '../../electron/services/ocr/preprocess';
import type { OcrEngine } from '../../electron/services/pages/ocrQueue';
import type { PageInfo } from '../../shared/ipc/pages';
import { removeTempDirs, tempDir } from '../electron/helpers/services';
import { fakeEngine, newDossier, openPagesApp, sample, type PagesApp } from './helpers';

const SCAN = 'dev004-p1-scan.jpg'; // 300 dpi, 0.7° askew
const HARD = 'dev004-p1-hard.jpg'; // 200 dpi colour, 2.3° askew, red seal and blue pen

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
const b64 = (s: string) => Buffer.from(s, 'base64');

/** Ink per row and per column of a page squeezed to 240 × 340 (0 = paper). */
async function inkProfiles(img: Buffer): Promise<{ rows: number[]; cols: number[] }> {
  const W = 240;
  const H = 340;
  const { data } = await sharp(img).flatten({ background: '#fff' }).greyscale().resize({ width: W, height: H, fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
  const rows = new Array<number>(H).fill(0);
  const cols = new Array<number>(W).fill(0);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const ink = 255 - data[y * W + x];
      rows[y] += ink;
      cols[x] += ink;
    }
  }
  return { rows, cols };
}

function pearson(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb || 1);
}

/** Best correlation of two profiles shifted by up to 3 % against each other (a page's margins move a little when it is turned). */
function correlation(a: number[], b: number[]): number {
  const k = Math.ceil(a.length * 0.03);
  let best = -1;
  for (let s = -k; s <= k; s++) {
    const x = a.slice(Math.max(0, s), a.length + Math.min(0, s));
    const y = b.slice(Math.max(0, -s), b.length + Math.min(0, -s));
    best = Math.max(best, pearson(x, y));
  }
  return best;
}

/** How closely a page image lies like the upright reference: the smaller of the row and column profile correlations. */
async function likeReference(img: Buffer, ref: { rows: number[]; cols: number[] }): Promise<number> {
  const p = await inkProfiles(img);
  return Math.min(correlation(p.rows, ref.rows), correlation(p.cols, ref.cols));
}

/** Skew left in a page image (degrees), measured as the import measures it. */
async function residualSkew(img: Buffer): Promise<number> {
  const { data, info } = await sharp(img).greyscale().extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  const geo = await analysePage({ data: new Uint8Array(data), width: info.width, height: info.height }, { orientation: false, deskew: true });
  return geo.skewDeg;
}

/** A fake engine that records the preprocessing options of each call. */
function recordingEngine(): { engine: OcrEngine; known: (number | null | undefined)[] } {
  const base = fakeEngine(5).engine;
  const known: (number | null | undefined)[] = [];
  return {
    known,
    engine: {
      recognize: (image, o = {}) => {
        known.push(o.preprocess?.knownRotationDeg);
        return base.recognize(image, o);
      },
      terminate: base.terminate,
    },
  };
}

describe('migration 6: page orientation columns', () => {
  it('adds auto_rotation and skew_deg (NULL on existing rows, quarter turns only)', () => {
    const file = path.join(tempDir('motcua-mig6-'), 'app.db');
    openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version < 6) }).close();
    const db = openDatabase(file);
    const cols = (db.prepare(`SELECT name, type FROM pragma_table_info('pages')`).all() as { name: string; type: string }[]).filter((c) => ['auto_rotation', 'skew_deg'].includes(c.name));
    expect(cols).toEqual([
      { name: 'auto_rotation', type: 'INTEGER' },
      { name: 'skew_deg', type: 'REAL' },
    ]);
    db.close();
    // The CHECK holds: only quarter turns.
    const raw = new Database(file);
    raw.pragma('foreign_keys = OFF');
    const insert = (rot: number) =>
      raw
        .prepare(
          `INSERT INTO pages (dossier_id, component_id, position, sha256, mime, byte_size, width, height, source, compact_sha256, compact_size, thumb, created_at, digitised_by, digitised_at, auto_rotation)
           VALUES (1, 'c', 1, 'x', 'image/png', 1, 1, 1, 'file', 'y', 1, 'z', 0, 'a', 0, ?)`,
        )
        .run(rot);
    expect(() => insert(45)).toThrow(/CHECK/);
    expect(() => insert(270)).not.toThrow();
    raw.close();
  });
});

describe('OCR preprocessing with a known turn', () => {
  it('uses the given quarter turn instead of detecting one (and still measures the skew)', async () => {
    const upsideDown = await sharp(sample('dev004-p4-scan.jpg')).rotate(180).jpeg({ quality: 90 }).toBuffer();
    const detected = await preparePage(upsideDown);
    expect(detected.rotationDeg).toBe(180);
    const told = await preparePage(upsideDown, { knownRotationDeg: 0 });
    expect(told.rotationDeg).toBe(0);
    expect(told.skewDeg).toBeCloseTo(detected.skewDeg, 1);
  }, 30_000);
});

describe('upright, levelled copies of turned and askew pages', () => {
  let app: PagesApp;
  let dossierId: string;
  let ref: { rows: number[]; cols: number[] };
  const rec = recordingEngine();
  const scan = sample(SCAN);

  beforeAll(async () => {
    app = await openPagesApp({ engine: async () => rec.engine });
    dossierId = (await newDossier(app)).id;
    // The reference: the unturned scan's own compact copy (upright, levelled).
    ref = await inkProfiles((await makeCompactCopy(scan, { orient: true })).data);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    removeTempDirs();
  });

  async function addTurned(deg: number, name: string, source = scan): Promise<{ page: PageInfo; input: Buffer }> {
    const input = deg === 0 ? source : await sharp(source).rotate(deg, { background: '#fff' }).jpeg({ quality: 90 }).toBuffer();
    const [page] = await app.call('pages.add', { dossierId, componentId: 'banchinh', files: [{ name, dataBase64: input.toString('base64') }] });
    return { page, input };
  }

  it('the reference check can fail: the same page upside down does not pass', async () => {
    const flipped = await sharp((await makeCompactCopy(scan, { orient: true })).data)
      .rotate(180)
      .png()
      .toBuffer();
    expect(await likeReference(flipped, ref)).toBeLessThan(0.5);
  });

  it.each([
    [90, 270],
    [180, 180],
    [270, 90],
  ])(
    'a page scanned turned by %i° is stored with auto rotation %i°; compact copy, thumbnail and display come out upright; the original is untouched',
    async (deg, want) => {
      const { page, input } = await addTurned(deg, `xoay-${deg}.jpg`);
      expect(page.autoRotation).toBe(want);
      expect(page.skewDeg).toBeCloseTo(-0.7, 0);
      expect(page.rotation).toBe(0);

      // The kept original is the file as it came in, byte for byte.
      expect(page.sha256).toBe(sha(input));
      const blob = path.join(app.dir, 'pages', page.sha256.slice(0, 2), page.sha256.slice(2, 4), `${page.sha256}.jpg`);
      expect(sha(fs.readFileSync(blob))).toBe(sha(input));
      expect(sha(b64((await app.call('pages.image', { pageId: page.id, variant: 'original' })).dataBase64))).toBe(sha(input));

      const compact = b64((await app.call('pages.image', { pageId: page.id, variant: 'compact' })).dataBase64);
      const compactMeta = await sharp(compact).metadata();
      expect(compactMeta.height).toBeGreaterThan(compactMeta.width!); // portrait again
      expect(await likeReference(compact, ref)).toBeGreaterThan(0.9);
      expect(Math.abs(await residualSkew(compact))).toBeLessThan(0.2);

      const display = b64((await app.call('pages.image', { pageId: page.id, variant: 'display' })).dataBase64);
      expect(await likeReference(display, ref)).toBeGreaterThan(0.9);
      const thumb = b64((await app.call('pages.image', { pageId: page.id, variant: 'thumb' })).dataBase64);
      expect((await sharp(thumb).metadata()).width).toBe(200);
      expect(await likeReference(thumb, ref)).toBeGreaterThan(0.9);
      // Still the original after all of that.
      expect(sha(fs.readFileSync(blob))).toBe(sha(input));
    },
    60_000,
  );

  it('a page 2° askew is levelled on its copies (and the 0.7° of the scan with it)', async () => {
    const { page } = await addTurned(2, 'lech-2do.jpg');
    expect(page.autoRotation).toBe(0);
    expect(page.skewDeg).toBeCloseTo(-2.7, 0);
    const compact = b64((await app.call('pages.image', { pageId: page.id, variant: 'compact' })).dataBase64);
    expect(Math.abs(await residualSkew(compact))).toBeLessThan(0.2);
    const display = b64((await app.call('pages.image', { pageId: page.id, variant: 'display' })).dataBase64);
    expect(Math.abs(await residualSkew(display))).toBeLessThan(0.2);
    // The original itself still leans.
    const original = b64((await app.call('pages.image', { pageId: page.id, variant: 'original' })).dataBase64);
    expect(Math.abs(await residualSkew(original))).toBeGreaterThan(2.4);
  }, 60_000);

  it("the clerk's turn goes on top of the automatic one and is what the OCR reads", async () => {
    const { page } = await addTurned(180, 'nguoc.jpg');
    expect(page.autoRotation).toBe(180);
    await app.services.ocr.whenIdle();
    // No turn of the clerk's: the engine decides the turn itself, with its checks (OSD,
    // reading the candidate turns when the cues are weak or the page reads badly).
    expect(rec.known.at(-1)).toBeNull();
    // The clerk turns it a quarter: the display follows (landscape now), the stored copies do not change.
    const before = (await app.call('pages.list', { dossierId })).pages.find((p) => p.id === page.id)!;
    const turned = await app.call('pages.rotate', { pageId: page.id, rotation: 90 });
    expect(turned.autoRotation).toBe(180);
    expect(turned.rotation).toBe(90);
    const display = await sharp(b64((await app.call('pages.image', { pageId: page.id, variant: 'display' })).dataBase64)).metadata();
    expect(display.width).toBeGreaterThan(display.height!);
    const thumb = await sharp(b64((await app.call('pages.image', { pageId: page.id, variant: 'thumb' })).dataBase64)).metadata();
    expect(thumb.width).toBeGreaterThan(thumb.height!);
    const after = (await app.call('pages.list', { dossierId })).pages.find((p) => p.id === page.id)!;
    expect(after.sha256).toBe(before.sha256);
    expect(after.compactSize).toBe(before.compactSize);
    // Re-OCR reads it the clerk's way round: 180 + 90.
    await app.call('ocr.retry', { pageId: page.id });
    await app.services.ocr.whenIdle();
    expect(rec.known.at(-1)).toBe(270);
  }, 60_000);

  it('a PDF page with its own text layer is not turned (born upright)', async () => {
    const { textPdf } = await import('./helpers');
    const pdf = await textPdf(['Ủy ban nhân dân xã Định Mỹ', 'Giấy xác nhận tình trạng hôn nhân']);
    const [page] = await app.call('pages.add', { dossierId, componentId: 'tokhai', files: [{ name: 'to-khai.pdf', dataBase64: pdf.toString('base64') }] });
    expect(page.autoRotation).toBeNull();
    expect(page.skewDeg).toBeNull();
  }, 60_000);

  it('"Bản làm sạch": the red seal and blue pen are faded, the lighting flattened, the page upright', async () => {
    const hard = sample(HARD);
    const { page } = await addTurned(180, 'dau-do.jpg', hard);
    expect(page.autoRotation).toBe(180);
    const display = b64((await app.call('pages.image', { pageId: page.id, variant: 'display' })).dataBase64);
    const cleanedImg = await app.call('pages.image', { pageId: page.id, variant: 'cleaned' });
    expect(cleanedImg.mime).toBe('image/jpeg');
    const cleaned = b64(cleanedImg.dataBase64);
    const d = await sharp(display).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    // The cleaned view is at 200 dpi (this scan is ~211 dpi): brought to the display's size.
    const cm = await sharp(cleaned).metadata();
    expect(cm.width! / cm.height!).toBeCloseTo(d.info.width / d.info.height, 2);
    const c = await sharp(cleaned).resize(d.info.width, d.info.height, { fit: 'fill' }).greyscale().extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    let n = 0;
    let before = 0;
    let after = 0;
    for (let y = 0; y < Math.min(c.info.height, d.info.height); y++) {
      for (let x = 0; x < Math.min(c.info.width, d.info.width); x++) {
        const i = (y * d.info.width + x) * d.info.channels;
        const [r, g, b] = [d.data[i], d.data[i + 1], d.data[i + 2]];
        // Clearly red ink (the seal), not black letters.
        if (r - Math.max(g, b) > 80 && r > 120) {
          n++;
          before += (r * 77 + g * 150 + b * 29) >> 8;
          after += c.data[y * c.info.width + x];
        }
      }
    }
    expect(n).toBeGreaterThan(2000);
    expect(before / n).toBeLessThan(170);
    expect(after / n).toBeGreaterThan(225); // the seal is close to paper white
    // And the page itself is upright: like the cleaned view of the same scan as it came.
    const [upright] = await app.call('pages.add', { dossierId, componentId: 'banchinh', files: [{ name: 'dau-do-thang.jpg', dataBase64: hard.toString('base64') }] });
    expect(upright.autoRotation).toBe(0);
    const uprightRef = await inkProfiles(b64((await app.call('pages.image', { pageId: upright.id, variant: 'cleaned' })).dataBase64));
    expect(await likeReference(cleaned, uprightRef)).toBeGreaterThan(0.9);
    expect(await likeReference(await sharp(cleaned).rotate(180).toBuffer(), uprightRef)).toBeLessThan(0.5);
  }, 60_000);

  it('refuses an unknown image kind in Vietnamese and changes nothing', async () => {
    const before = (await app.call('pages.list', { dossierId })).pages;
    const r = await app.raw('pages.image', { pageId: before[0].id, variant: 'sepia' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid');
      expect(r.error.message).toContain('Kiểu ảnh trang không hợp lệ');
    }
    expect((await app.call('pages.list', { dossierId })).pages).toEqual(before);
  });
});
