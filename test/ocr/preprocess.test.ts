import { readFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { OcrInputError } from '../../electron/services/ocr/errors';
import { MAX_INPUT_PIXELS, checkInput, makeCompactCopy, preparePage } from '../../electron/services/ocr/preprocess';
import { suppressColourInk } from '../../electron/services/ocr/kernels';
import { samplesDir } from '../../bench/ocr';

const clean = () => readFileSync(path.join(samplesDir(), 'dev004-p1-clean.png'));
const scan = () => readFileSync(path.join(samplesDir(), 'dev004-p1-scan.jpg'));

/** A page turned by `deg` degrees (sharp: positive = clockwise), white corners. */
async function turned(input: Buffer, deg: number): Promise<Buffer> {
  return sharp(input).rotate(deg, { background: '#ffffff' }).png({ compressionLevel: 1 }).toBuffer();
}

/** A valid PNG header for a huge image, with a token IDAT: nothing big is ever allocated. */
function hugePngHeader(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(1024))), chunk('IEND', Buffer.alloc(0))]);
}

async function expectInputError(input: Buffer, problem: string) {
  const err = await preparePage(input).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OcrInputError);
  expect((err as OcrInputError).problem).toBe(problem);
  // A Vietnamese sentence for the clerk (at least one Vietnamese letter).
  expect((err as Error).message).toMatch(/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i);
}

describe('skew and orientation', () => {
  let page: Buffer;
  beforeAll(() => {
    page = clean();
  });

  it.each([1.7, -2.6])('measures a page turned by %s° within ±0.3°', async (deg) => {
    const input = await turned(page, deg);
    const p = await preparePage(input, { orientation: false, minDeskewDeg: 1 });
    // skewDeg is the turn that levels the page: the opposite of the turn we applied.
    expect(Math.abs(p.skewDeg + deg)).toBeLessThanOrEqual(0.3);
    expect(p.skewCorrected).toBe(true);
    // By default small skews are measured but left to tesseract (README.md).
    const q = await preparePage(input, { orientation: false });
    expect(q.skewCorrected).toBe(false);
    expect(q.skewDeg).toBe(p.skewDeg);
  });

  it('finds an upright page upright', async () => {
    const p = await preparePage(page);
    expect(p.rotationDeg).toBe(0);
    expect(Math.abs(p.skewDeg)).toBeLessThan(0.2);
  });

  it('detects a page turned by 180° and turns it back', async () => {
    const p = await preparePage(await turned(page, 180));
    expect(p.rotationDeg).toBe(180);
  });

  it('detects a page turned by 90°', async () => {
    const p = await preparePage(await turned(page, 90));
    expect(p.rotationDeg).toBe(270);
    expect(p.height).toBeGreaterThan(p.width);
  });
});

describe('colour ink suppression', () => {
  it('lifts red seal and blue pen pixels to paper level and keeps black ink dark', () => {
    // 4 pixels: red seal on paper, blue pen on paper, black text, black text under a seal.
    // (The flattening step then turns anything within 88 % of the paper to white.)
    const rgb = new Uint8Array([215, 40, 45, 45, 60, 170, 20, 20, 20, 95, 22, 24]);
    const out = suppressColourInk(rgb, 4, 1, 3, 0.15, 0.5).data;
    expect(out[0]).toBeGreaterThanOrEqual(230);
    expect(out[1]).toBeGreaterThanOrEqual(210);
    expect(out[2]).toBeLessThan(40);
    expect(out[3]).toBeLessThan(110);
  });

  it('removes a red stamp from a synthetic colour page', async () => {
    const w = 600;
    const h = 400;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
      <rect width="100%" height="100%" fill="#f2f0ea"/>
      <text x="40" y="120" font-size="48" font-family="serif" fill="#111">Xã Hòa Bình</text>
      <circle cx="300" cy="200" r="120" fill="none" stroke="#d42a2a" stroke-width="14"/>
    </svg>`;
    const jpeg = await sharp(Buffer.from(svg)).jpeg({ quality: 92 }).toBuffer();
    const p = await preparePage(jpeg, { orientation: false, deskew: false, cropMargins: false, maxLineHeightPx: 0 });
    expect(p.colourSuppressed).toBe(true);
    const px = p.image.subarray(p.image.length - p.width * p.height);
    // Along the stamp's ring (right side, away from the text): white now.
    let dark = 0;
    for (let y = 180; y < 220; y++) for (let x = 412; x < 428; x++) if (px[y * p.width + x] < 200) dark++;
    expect(dark).toBe(0);
    // The black text is still there.
    let ink = 0;
    for (let y = 80; y < 130; y++) for (let x = 40; x < 300; x++) if (px[y * p.width + x] < 100) ink++;
    expect(ink).toBeGreaterThan(500);
  });
});

describe('compact copy', () => {
  it('is a 200 dpi grey PNG under 150 KB for a typical scan', async () => {
    const c = await makeCompactCopy(scan());
    expect(c.mime).toBe('image/png');
    expect(c.dpi).toBe(200);
    expect(c.data.length).toBeLessThan(150 * 1024);
    // A4 at 200 dpi is 1654 px wide.
    expect(Math.abs(c.width - 1654)).toBeLessThan(30);
    const meta = await sharp(c.data).metadata();
    // A palette of grey levels: 2 bits per pixel.
    expect(meta.isPalette).toBe(true);
    expect(meta.bitsPerSample).toBeLessThanOrEqual(2);
  });

  it('leaves the original buffer untouched', async () => {
    const input = scan();
    const copy = Buffer.from(input);
    await makeCompactCopy(input);
    await preparePage(input);
    expect(input.equals(copy)).toBe(true);
  });
});

describe('bad input is refused with a Vietnamese message', () => {
  it('0-byte buffer', async () => {
    await expectInputError(Buffer.alloc(0), 'empty');
  });

  it('truncated JPEG', async () => {
    const full = scan();
    await expectInputError(full.subarray(0, Math.floor(full.length * 0.4)), 'corrupt');
  });

  it('a text file', async () => {
    await expectInputError(Buffer.from('Đơn đề nghị cấp giấy khai sinh\n', 'utf8'), 'not-image');
  });

  it('a 20,000 × 20,000 px image, before decoding it', async () => {
    const huge = hugePngHeader(20_000, 20_000);
    expect(20_000 * 20_000).toBeGreaterThan(MAX_INPUT_PIXELS);
    const t0 = performance.now();
    await expectInputError(huge, 'too-large');
    await expect(checkInput(huge)).rejects.toThrow(/quá lớn/);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
