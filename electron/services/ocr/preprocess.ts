// Image work before OCR, with sharp (libvips, which runs on libuv threads) around a few
// plain pixel loops (kernels.ts). In the app preparePage runs inside the preprocessing
// worker threads of the OCR pool (engine.ts → preprocess-worker.ts); makePageCopies runs
// where pages are imported (pages/inputs.ts), makeCleanedView when the clerk asks for the
// cleaned view (its loops hold the calling thread 30–70 ms per page, so the app runs it in
// the preprocessing worker: views.ts). The caller's buffer
// (the kept original scan) is never altered: every step makes a new buffer.
//
// preparePage(): any of JPEG/PNG/TIFF/WebP → checked header → EXIF orientation → red seal /
// blue pen removed through colour (only on colour scans) → lighting flattened and paper
// whitened → coarse orientation (0/90/180/270) and skew measured on a small copy; the page is
// turned upright, and levelled only for large skews → white margins cropped → a greyscale
// PGM for tesseract (no binarisation: its own is better on clean greyscale). Each default
// was chosen by measurement on the sample pages (README.md). makeCompactCopy(): the 200 dpi
// 4-grey-level PNG sent to the province. makePageCopies(): at import, the page's turn and
// skew measured once (the same analysis) and applied to its compact copy and thumbnail.
// makeCleanedView(): the page as the OCR reads it (seal and pen faded, lighting flattened),
// upright, for the clerk's eyes; makeDisplayView() the original turned the same way.
import sharp from 'sharp';
import { DISPLAY_MIN_DESKEW_DEG } from '../../../shared/ipc/pages';
import { OcrInputError } from './errors';
import {
  type GreyImage,
  divideByBackground,
  luminance,
  marginScore,
  inkBounds,
  cropGrey,
  estimateSkewDeg,
  linesAreHorizontal,
  medianLineHeight,
  otsuThreshold,
  saturatedShare,
  suppressColourInk,
  uprightScore,
} from './kernels';

/** A4 at 600 dpi is 35 Mpx; anything much bigger is not a page scan (or is a decompression bomb). */
export const MAX_INPUT_PIXELS = 60_000_000;

export interface PreprocessOptions {
  /** Remove colour ink (seal, pen); 'auto' = only when the page holds saturated colour. */
  suppressColour?: boolean | 'auto';
  /** Lift of saturated pixels in the colour suppression (kernels.ts suppressColourInk). */
  colourGain?: number;
  /** The same for blue-dominant pixels (ballpoint pen). */
  penGain?: number;
  /** Divide by a blurred paper estimate (uneven lighting). */
  flattenLighting?: boolean;
  /** Flatten only when the paper's brightness varies by at least this many grey levels. */
  flattenMinRange?: number;
  /** Detect and correct the skew of the text lines. */
  deskew?: boolean;
  /** Turn the page to level only when its skew is at least this many degrees. */
  minDeskewDeg?: number;
  /** Detect pages turned by 90/180/270°. */
  orientation?: boolean;
  /** Upscale when the median text line is lower than this many pixels (0 = never). */
  minLineHeightPx?: number;
  /** Downscale when the median text line is taller than this many pixels (0 = never). */
  maxLineHeightPx?: number;
  /** Line height aimed at when rescaling. */
  targetLineHeightPx?: number;
  /** 3×3 median filter (salt-and-pepper noise). */
  denoise?: boolean;
  /** Crop the white margins around the ink (less memory and time in tesseract). */
  cropMargins?: boolean;
  /** Binarise with Otsu instead of handing greyscale to tesseract. */
  binarise?: boolean;
  /** The page's coarse orientation when already known (stored at import, or the clerk's own
   *  turn): the 90/180/270 detection is skipped and this turn is used. null = detect. */
  knownRotationDeg?: 0 | 90 | 180 | 270 | null;
}

export const DEFAULT_PREPROCESS: Required<PreprocessOptions> = {
  suppressColour: 'auto',
  colourGain: 0.15,
  penGain: 0.5,
  flattenLighting: true,
  flattenMinRange: 0,
  deskew: true,
  minDeskewDeg: 3,
  orientation: true,
  minLineHeightPx: 0,
  maxLineHeightPx: 34,
  targetLineHeightPx: 24,
  denoise: false,
  binarise: false,
  cropMargins: true,
  knownRotationDeg: null,
};

export interface PreparedPage {
  /** Greyscale PGM (P5) for tesseract: no encoding cost, read natively by Leptonica. */
  image: Buffer;
  width: number;
  height: number;
  /** Where the (cropped) image starts in the upright, levelled, scaled page. */
  offsetX: number;
  offsetY: number;
  /** Measured skew, degrees: the clockwise turn that levels the lines. */
  skewDeg: number;
  /** Whether the page was actually turned by skewDeg (see minDeskewDeg). */
  skewCorrected: boolean;
  /** Coarse rotation applied to make the text upright, degrees clockwise. */
  rotationDeg: 0 | 90 | 180 | 270;
  /** Upscale factor applied (1 = none). */
  scale: number;
  colourSuppressed: boolean;
  lightingFlattened: boolean;
  /** What the turn was decided from (measured cues; zeros when it was given). */
  turnEvidence: TurnEvidence;
  /** Median text line height on the prepared page, px (0 = no lines found). */
  lineHeightPx: number;
  ms: number;
}

type Format = 'jpeg' | 'png' | 'tiff' | 'webp';

/** Format from the first bytes: a text file or a PDF is refused before sharp sees it. */
export function sniffFormat(input: Uint8Array): Format | null {
  const b = input;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 0x2a))) return 'tiff';
  if (b.length >= 12 && b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return 'webp';
  return null;
}

export interface CheckedInput {
  format: Format;
  /** Size after EXIF orientation. */
  width: number;
  height: number;
  /** Declared resolution, if the file says one. */
  density?: number;
}

function sharpOf(input: Buffer): sharp.Sharp {
  // failOn 'truncated': a cut-off JPEG/PNG is an error, not a half-grey page.
  return sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'truncated', sequentialRead: true });
}

function corrupt(cause: unknown): OcrInputError {
  return new OcrInputError('corrupt', 'Tệp ảnh bị hỏng hoặc chưa được lưu trọn vẹn, không đọc được. Hãy quét hoặc chụp lại trang này.', { cause });
}

/** Header-only checks (no full decode): empty, not an image, too many pixels, broken header. */
export async function checkInput(input: Buffer): Promise<CheckedInput> {
  if (!input || input.length === 0) throw new OcrInputError('empty', 'Tệp ảnh trống (0 byte). Hãy quét lại trang này.');
  const format = sniffFormat(input);
  if (!format) {
    throw new OcrInputError('not-image', 'Tệp này không phải ảnh quét (chỉ nhận JPEG, PNG, TIFF hoặc WebP).');
  }
  let meta: sharp.Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (cause) {
    throw corrupt(cause);
  }
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  if (w <= 0 || h <= 0) throw corrupt(new Error('no dimensions'));
  if (w * h > MAX_INPUT_PIXELS) {
    throw new OcrInputError('too-large', `Ảnh quá lớn (${w}×${h} điểm ảnh). Hãy quét ở độ phân giải 300 dpi (tối đa khoảng ${Math.round(MAX_INPUT_PIXELS / 1e6)} triệu điểm ảnh).`);
  }
  const turned = (meta.orientation ?? 1) >= 5;
  return { format, width: turned ? h : w, height: turned ? w : h, density: meta.density };
}

/**
 * Greyscale page, EXIF-oriented; colour scans with saturated ink go through suppressColourInk.
 * JPEG: the colour check runs on a 1/8-scale decode (JPEG's DCT scaling, nearly free) and a
 * grey page is then decoded straight to one channel by libvips. Other formats: one RGB
 * decode, checked on every 7th pixel.
 */
async function toGrey(input: Buffer, format: Format, suppress: boolean | 'auto', gain: number, penGain: number, width?: number): Promise<{ grey: GreyImage; colourSuppressed: boolean }> {
  // `width`: decode straight to that width (the 200 dpi copies), else full size (OCR).
  const decode = () => (width ? sharpOf(input).autoOrient().resize({ width, kernel: 'lanczos3' }) : sharpOf(input).autoOrient());
  try {
    if (format === 'jpeg' && suppress !== true) {
      let colour = false;
      if (suppress === 'auto') {
        const t = await sharpOf(input).resize({ width: 320, kernel: 'nearest' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
        colour = t.info.channels >= 3 && saturatedShare(t.data, t.info.width, t.info.height, t.info.channels) > 0.001;
      }
      if (!colour) {
        const g = await greyOf(decode().greyscale());
        return { grey: g, colourSuppressed: false };
      }
    }
    const { data, info } = await decode().removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const px = new Uint8Array(data.buffer, data.byteOffset, data.length);
    if (info.channels < 3)
      return { grey: { data: info.channels === 1 ? px : luminance(px, info.width, info.height, info.channels).data, width: info.width, height: info.height }, colourSuppressed: false };
    const colour = suppress === 'auto' ? saturatedShare(px, info.width, info.height, info.channels, 7) > 0.001 : suppress;
    if (colour) return { grey: suppressColourInk(px, info.width, info.height, info.channels, gain, penGain), colourSuppressed: true };
    return { grey: luminance(px, info.width, info.height, info.channels), colourSuppressed: false };
  } catch (cause) {
    if (cause instanceof OcrInputError) throw cause;
    throw corrupt(cause);
  }
}

const raw1 = (img: GreyImage) => ({ raw: { width: img.width, height: img.height, channels: 1 as const } });

async function greyOf(s: sharp.Sharp): Promise<GreyImage> {
  const { data, info } = await s.extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/**
 * Percentile filter (square window of radius r): with a high percentile the dark text drops
 * out and the paper stays, while a few bright outliers (a whitened stamp stroke) cannot win
 * as they would with a max filter. Runs on the 1/16-size copy only (~35 k pixels).
 */
function percentileFilter(img: GreyImage, r: number, pct: number): GreyImage {
  const { width: w, height: h } = img;
  const out = new Uint8Array(w * h);
  const win = new Uint8Array((2 * r + 1) * (2 * r + 1));
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(h - 1, y + r);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(w - 1, x + r);
      let n = 0;
      for (let yy = y0; yy <= y1; yy++) for (let xx = x0; xx <= x1; xx++) win[n++] = img.data[yy * w + xx];
      const v = win.subarray(0, n).sort();
      out[y * w + x] = v[Math.min(n - 1, Math.floor(n * pct))];
    }
  }
  return { data: out, width: w, height: h };
}

/**
 * Paper brightness everywhere: 1/16 size, max filter (drops the text), blur; then the page is
 * divided by it (bilinear upsampling inside the loop). Skipped when the paper is already even
 * (its brightness varies by less than `minRange` levels), which is the case of flatbed scans.
 */
async function flatten(grey: GreyImage, minRange = 12): Promise<{ image: GreyImage; applied: boolean }> {
  const step = 16;
  const small = await greyOf(sharp(grey.data, raw1(grey)).resize({ width: Math.max(8, Math.round(grey.width / step)), kernel: 'linear' }));
  const paper = percentileFilter(small, 2, 0.8);
  const bg = await greyOf(sharp(paper.data, raw1(paper)).blur(2));
  let lo = 255;
  let hi = 0;
  // Ignore the outer tenth: page edges and scanner lid shadows.
  for (let y = Math.floor(bg.height * 0.1); y < bg.height * 0.9; y++) {
    for (let x = Math.floor(bg.width * 0.1); x < bg.width * 0.9; x++) {
      const v = bg.data[y * bg.width + x];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (hi - lo < minRange) return { image: grey, applied: false };
  return { image: { data: divideByBackground(grey.data, grey.width, grey.height, bg), width: grey.width, height: grey.height }, applied: true };
}

/** The page turned by `deg` (any angle), white corners. */
function rotated(img: GreyImage, deg: number): sharp.Sharp {
  const s = sharp(img.data, raw1(img));
  return deg === 0 ? s : s.rotate(deg, { background: { r: 255, g: 255, b: 255 } });
}

/** Width of the analysis copy: ~85 dpi for an A4 page, enough for lines and tone marks. */
const ANALYSIS_WIDTH = 700;

export interface PageGeometry {
  rotationDeg: 0 | 90 | 180 | 270;
  /** Clockwise degrees to turn the (coarsely rotated) page so the lines are level. */
  skewDeg: number;
  /** Median line height on the full-size page, pixels. */
  lineHeightPx: number;
  /** How clearly the page showed its turn (turn.ts weighs it): `lineRatio` = row-profile /
   *  column-profile structure of the page as found (> 1: lines run across, < 1: down; ~1 no
   *  line structure); `upright` = uprightVote of the level copy (> 0 upright, < 0 upside
   *  down; its size is the strength). Both 0 when the turn was given, not measured. */
  evidence: TurnEvidence;
}

export interface TurnEvidence {
  lineRatio: number;
  upright: number;
  /** Share of the analysis copy darker than its Otsu threshold (printed pages: a few %). */
  inkShare: number;
}

/**
 * Upright (> 0) or upside down (< 0), from two cues measured on the level analysis copy:
 * flush-left margins (marginScore, reliable even on a three-line last page) and tone marks
 * above the letters (uprightScore, strong on full pages). Scaled so that a typical full page
 * gives each cue about the same weight (README.md has the measured values).
 */
export function uprightVote(level: GreyImage, threshold: number): number {
  return marginScore(level, threshold) / 0.03 + uprightScore(level, threshold) / 4;
}

/** Orientation, skew and (optionally) line height from a ~85 dpi copy of the page. */
export async function analysePage(grey: GreyImage, opts: { orientation: boolean; deskew: boolean; lineHeight?: boolean; knownRotationDeg?: 0 | 90 | 180 | 270 | null }): Promise<PageGeometry> {
  const landscape = grey.width > grey.height;
  const factor = Math.max(1, (landscape ? grey.height : grey.width) / ANALYSIS_WIDTH);
  const base = await greyOf(sharp(grey.data, raw1(grey)).resize({ width: Math.round(grey.width / factor), kernel: 'linear' }));
  const threshold = Math.min(otsuThreshold(base.data), 200);
  let ink = 0;
  for (let i = 0; i < base.data.length; i++) if (base.data[i] < threshold) ink++;
  const inkShare = ink / Math.max(1, base.data.length);
  let rotationDeg: 0 | 90 | 180 | 270 = 0;
  let work = base;
  const known = opts.knownRotationDeg ?? null;
  const lines = known === null && opts.orientation ? linesAreHorizontal(base, threshold) : null;
  if (known !== null ? known % 180 === 90 : lines !== null && !lines.horizontal) {
    work = await greyOf(rotated(base, 90));
    rotationDeg = 90;
  }
  // A half turn keeps the slope of the lines: one skew estimate serves both cases.
  const skewDeg = opts.deskew || opts.orientation ? estimateSkewDeg(work, threshold) : 0;
  let level: GreyImage | undefined;
  const levelCopy = async () => (level ??= skewDeg === 0 ? work : await greyOf(rotated(work, skewDeg)));
  let upright = 0;
  if (known !== null) rotationDeg = known;
  else if (opts.orientation) {
    upright = uprightVote(await levelCopy(), threshold);
    if (upright < 0) rotationDeg = ((rotationDeg + 180) % 360) as 0 | 90 | 180 | 270;
  }
  const lineHeightPx = opts.lineHeight ? medianLineHeight(await levelCopy(), threshold) * factor : 0;
  return { rotationDeg, skewDeg: opts.deskew ? skewDeg : 0, lineHeightPx, evidence: { lineRatio: lines?.ratio ?? 0, upright, inkShare } };
}

function pgm(data: Uint8Array, width: number, height: number): Buffer {
  const header = Buffer.from(`P5\n${width} ${height}\n255\n`, 'ascii');
  return Buffer.concat([header, data]);
}

/** The whole preprocessing of one page for OCR. Throws OcrInputError for unusable input. */
export async function preparePage(input: Buffer, options: PreprocessOptions = {}): Promise<PreparedPage> {
  const o = { ...DEFAULT_PREPROCESS, ...options };
  const t0 = performance.now();
  const checked = await checkInput(input);
  const { grey: g0, colourSuppressed } = await toGrey(input, checked.format, o.suppressColour, o.colourGain, o.penGain);
  let grey = g0;
  let flattened = false;
  if (o.flattenLighting) ({ image: grey, applied: flattened } = await flatten(grey, o.flattenMinRange));
  const rescale = o.minLineHeightPx > 0 || o.maxLineHeightPx > 0;
  const geo =
    o.deskew || o.orientation || rescale || o.knownRotationDeg !== null
      ? await analysePage(grey, { ...o, lineHeight: rescale })
      : { rotationDeg: 0 as const, skewDeg: 0, lineHeightPx: 0, evidence: { lineRatio: 0, upright: 0, inkShare: 0 } };
  // The skew is always measured (and reported); the page is resampled only above
  // minDeskewDeg, since tesseract's own line finding copes with small skews (README.md).
  const level = o.deskew && Math.abs(geo.skewDeg) >= o.minDeskewDeg;
  const turn = geo.rotationDeg + (level ? geo.skewDeg : 0);
  let scale = 1;
  if (o.minLineHeightPx > 0 && geo.lineHeightPx > 0 && geo.lineHeightPx < o.minLineHeightPx) {
    scale = Math.min(2, (o.targetLineHeightPx || o.minLineHeightPx) / geo.lineHeightPx);
  } else if (o.maxLineHeightPx > 0 && geo.lineHeightPx > o.maxLineHeightPx) {
    // Tesseract's LSTM reads each line scaled to a fixed height anyway: 300 dpi body text
    // is more than it needs, and fewer pixels make layout analysis cheaper (README.md).
    // Never below an effective 200 dpi, so small print and low-resolution scans are kept.
    const floor = Math.min(1, 200 / estimateDpi(checked.width, checked.height, checked.density));
    scale = Math.max(floor, (o.targetLineHeightPx || o.maxLineHeightPx) / geo.lineHeightPx);
  }
  let s = rotated(grey, turn);
  if (scale !== 1) {
    // Rotation first, then resize, in two sharp passes: one pipeline would resize the input.
    const r = await greyOf(s);
    s = sharp(r.data, raw1(r)).resize({ width: Math.round(r.width * scale), kernel: 'lanczos3' });
  }
  if (o.denoise) s = s.median(3);
  let out = await greyOf(s);
  let offsetX = 0;
  let offsetY = 0;
  if (o.cropMargins) {
    const b = inkBounds(out, 160);
    if (b) {
      // Keep a margin of white around the text: tesseract's layout analysis wants some.
      const pad = Math.round(out.width * 0.02);
      offsetX = Math.max(0, b.x0 - pad);
      offsetY = Math.max(0, b.y0 - pad);
      const w = Math.min(out.width, b.x1 + pad + 1) - offsetX;
      const h = Math.min(out.height, b.y1 + pad + 1) - offsetY;
      if (w * h < out.width * out.height * 0.95) out = cropGrey(out, offsetX, offsetY, w, h);
      else offsetX = offsetY = 0;
    }
  }
  if (o.binarise) {
    const t = otsuThreshold(out.data);
    const b = new Uint8Array(out.data.length);
    for (let i = 0; i < b.length; i++) b[i] = out.data[i] > t ? 255 : 0;
    out = { data: b, width: out.width, height: out.height };
  }
  return {
    image: pgm(out.data, out.width, out.height),
    width: out.width,
    height: out.height,
    offsetX,
    offsetY,
    skewDeg: geo.skewDeg,
    skewCorrected: level,
    rotationDeg: geo.rotationDeg,
    scale,
    colourSuppressed,
    lightingFlattened: flattened,
    turnEvidence: geo.evidence,
    lineHeightPx: geo.lineHeightPx * scale,
    ms: performance.now() - t0,
  };
}

const A4_WIDTH_IN = 210 / 25.4;
const A4_RATIO = 297 / 210;

/**
 * Resolution of a page scan. The file's own density is often wrong (phone photos, scanners
 * that write 72 or a fixed 300), so a page with A4 proportions is measured against the A4
 * width instead; otherwise the declared density is trusted, else 300.
 */
export function estimateDpi(width: number, height: number, declared?: number): number {
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  if (Math.abs(long / short - A4_RATIO) < 0.06) return short / A4_WIDTH_IN;
  if (declared && declared >= 100 && declared <= 1200) return declared;
  return 300;
}

export interface CompactCopy {
  data: Buffer;
  mime: string;
  width: number;
  height: number;
  dpi: number;
  /** What `orient` found (absent without it). */
  orientation?: PageOrientation;
}

export interface CompactOptions {
  /** Target resolution, default 200 dpi. */
  dpi?: number;
  /** Grey levels of the palette PNG: 4 (2-bit, default) keeps the letters' anti-aliasing and
   *  the tone marks legible; 2 gives a bitonal page about half the size. */
  levels?: 2 | 4 | 16;
  /** Measure the page's orientation and skew (detectOrientation's analysis, on this copy's
   *  decode) and turn the copy upright and level (uprightTurnDeg). */
  orient?: boolean;
}

/** Orientation and skew of a page as stored with it (pages.auto_rotation, pages.skew_deg). */
export interface PageOrientation {
  /** Coarse clockwise turn that makes the text upright. */
  rotationDeg: 0 | 90 | 180 | 270;
  /** Clockwise degrees that level the lines once the page is upright. */
  skewDeg: number;
}

/** Clockwise degrees that make a page upright and, when the skew shows, level. */
export function uprightTurnDeg(o: PageOrientation | null | undefined): number {
  if (!o) return 0;
  return o.rotationDeg + (Math.abs(o.skewDeg) >= DISPLAY_MIN_DESKEW_DEG ? o.skewDeg : 0);
}

/** Width of a page scaled to `target` dpi (never enlarged). */
function widthAt(checked: CheckedInput, target: number): number {
  const dpi = estimateDpi(checked.width, checked.height, checked.density);
  return Math.round(checked.width * Math.min(1, target / dpi));
}

/**
 * The copy sent to the province: a palette PNG at 200 dpi with 4 grey levels (2 bits per
 * pixel), paper whitened so no bytes go to scanner grain and uneven light. Measured on the
 * sample scans: 4 grey levels ≈ 60–105 KB and clearly legible; greyscale JPEG q55 ≈ 140–200 KB;
 * bitonal ≈ 35–50 KB but thin strokes and tone marks break up. Stamps and signatures stay
 * visible (grey): this copy is a record of the page, so nothing is suppressed. With `orient`
 * it is turned upright and levelled (the page is measured on the same 200 dpi decode: for a
 * page with colour ink on the ink-suppressed grey, as OCR measures it, then decoded again as
 * it is for the copy itself).
 */
export async function makeCompactCopy(input: Buffer, options: CompactOptions = {}): Promise<CompactCopy> {
  const checked = await checkInput(input);
  const target = options.dpi ?? 200;
  const width = widthAt(checked, target);
  const plain = async () => (await flatten(await greyOf(sharpOf(input).autoOrient().resize({ width, kernel: 'lanczos3' }).greyscale()), 0)).image;
  try {
    let flat: GreyImage;
    let orientation: PageOrientation | undefined;
    if (options.orient) {
      const measured = await measureOrientation(input, checked.format, width);
      orientation = measured.orientation;
      flat = measured.colourSuppressed ? await plain() : measured.flat;
    } else flat = await plain();
    const turn = uprightTurnDeg(orientation);
    const out = turn === 0 ? flat : await greyOf(rotated(flat, turn));
    const data = await sharp(out.data, raw1(out))
      .withMetadata({ density: target })
      .png({ palette: true, colours: options.levels ?? 4, dither: 0, compressionLevel: 9, effort: 7 })
      .toBuffer();
    return { data, mime: 'image/png', width: out.width, height: out.height, dpi: target, ...(orientation ? { orientation } : {}) };
  } catch (cause) {
    if (cause instanceof OcrInputError) throw cause;
    throw corrupt(cause);
  }
}

/**
 * Orientation and skew as preparePage measures them (colour ink suppressed, lighting
 * flattened, analysePage), on a decode at `width` px (analysePage works at ~85 dpi anyway).
 * Also returns the flattened grey, which is the plain page when it had no colour ink.
 */
async function measureOrientation(input: Buffer, format: Format, width: number): Promise<{ orientation: PageOrientation; flat: GreyImage; colourSuppressed: boolean }> {
  const d = DEFAULT_PREPROCESS;
  const { grey, colourSuppressed } = await toGrey(input, format, d.suppressColour, d.colourGain, d.penGain, width);
  const { image: flat } = await flatten(grey, d.flattenMinRange);
  const geo = await analysePage(flat, { orientation: true, deskew: true });
  return { orientation: { rotationDeg: geo.rotationDeg, skewDeg: geo.skewDeg }, flat, colourSuppressed };
}

/** Width of the stored thumbnail (the page list), px. */
export const THUMB_WIDTH = 200;

/**
 * Thumbnail: fully decodes the page (a truncated file fails here), EXIF-oriented, turned by
 * `turnDeg` clockwise (white corners), 200 px wide JPEG in colour. Shrunk before it is turned
 * (turning the full page would cost more than all the rest), so the decode can start before
 * the turn is known: `thumbnailSource` then `finishThumbnail`.
 */
export async function makeThumbnail(input: Buffer, turnDeg = 0): Promise<Buffer> {
  return finishThumbnail(await thumbnailSource(input), turnDeg);
}

interface RawImage {
  data: Buffer;
  info: { width: number; height: number; channels: 1 | 2 | 3 | 4 };
}

/** The page within 2 × THUMB_WIDTH square, on white: enough for any quarter turn to still be shrunk. */
async function thumbnailSource(input: Buffer): Promise<RawImage> {
  const side = 2 * THUMB_WIDTH;
  return sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'truncated' })
    .autoOrient()
    .resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .raw()
    .toBuffer({ resolveWithObject: true });
}

async function finishThumbnail(src: RawImage, turnDeg: number): Promise<Buffer> {
  const raw = { raw: { width: src.info.width, height: src.info.height, channels: src.info.channels } };
  let img = src;
  // One rotate per sharp pipeline, and it would run after the resize: turned in a pass of its own.
  if (turnDeg !== 0) img = await sharp(src.data, raw).rotate(turnDeg, { background: '#ffffff' }).raw().toBuffer({ resolveWithObject: true });
  return sharp(img.data, { raw: { width: img.info.width, height: img.info.height, channels: img.info.channels } })
    .resize({ width: THUMB_WIDTH, withoutEnlargement: true })
    .jpeg({ quality: 70 })
    .toBuffer();
}

export interface PageCopies {
  compact: CompactCopy;
  thumb: Buffer;
  /** null when not measured (`orient: false`). */
  orientation: PageOrientation | null;
}

/**
 * Everything made from a page at import besides the original itself: its orientation and
 * skew (measured once, stored with the page), the upright compact copy and the upright
 * thumbnail. Runs in a preprocessing worker thread in the app (pages/imageThread.ts).
 */
export async function makePageCopies(input: Buffer, options: { orient?: boolean } = {}): Promise<PageCopies> {
  const [compact, small] = await Promise.all([makeCompactCopy(input, { orient: options.orient ?? true }), thumbnailSource(input)]);
  const orientation = compact.orientation ?? null;
  return { compact, thumb: await finishThumbnail(small, uprightTurnDeg(orientation)), orientation };
}

/** "Bản gốc" turned by `turnDeg` (EXIF orientation applied, transparency on white): JPEG q85. */
export async function makeDisplayView(input: Buffer, turnDeg: number): Promise<{ data: Buffer; mime: string }> {
  const s = sharp(input, { limitInputPixels: MAX_INPUT_PIXELS }).autoOrient().flatten({ background: '#ffffff' }).rotate(turnDeg, { background: '#ffffff' });
  return { mime: 'image/jpeg', data: await s.jpeg({ quality: 85 }).toBuffer() };
}

/**
 * "Bản làm sạch", the cleaned page for reading: what the OCR reads (red seal and blue pen
 * faded on colour scans, lighting flattened, paper whitened), at 200 dpi, turned by
 * `turnDeg` clockwise, as a greyscale JPEG. A view only: nothing of it is stored.
 */
export async function makeCleanedView(input: Buffer, turnDeg = 0): Promise<{ data: Buffer; mime: string; width: number; height: number }> {
  const checked = await checkInput(input);
  const d = DEFAULT_PREPROCESS;
  try {
    const { grey } = await toGrey(input, checked.format, d.suppressColour, d.colourGain, d.penGain, widthAt(checked, 200));
    const { image: flat } = await flatten(grey, 0);
    const out = turnDeg === 0 ? flat : await greyOf(rotated(flat, turnDeg));
    const data = await sharp(out.data, raw1(out)).jpeg({ quality: 85 }).toBuffer();
    return { data, mime: 'image/jpeg', width: out.width, height: out.height };
  } catch (cause) {
    if (cause instanceof OcrInputError) throw cause;
    throw corrupt(cause);
  }
}
