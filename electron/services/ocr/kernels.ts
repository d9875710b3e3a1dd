// Pixel kernels of the OCR preprocessing: plain loops over raw 8-bit buffers, no Node API,
// no sharp. They run inside the preprocessing worker thread (preprocess-worker.ts), never
// on the main thread of the app; the heavy, generic image work (decode, resize, blur,
// rotate, encode) is done by sharp/libvips around them.

export interface GreyImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * Colour ink (red seal, blue pen) → paper; black/grey ink kept. The value channel
 * V = max(R,G,B) already makes red and blue ink light (their own channel is high) while black
 * stays dark; saturated pixels are then brightened in proportion to their saturation
 * S = (max − min) / max: V·(1 + gain·(S − s0)). The lift is multiplicative, so a black letter
 * seen through a translucent seal (same hue, low V) stays dark, while the seal over paper
 * (high V) reaches the paper's white. s0 ignores the JPEG colour noise of grey pixels.
 */
export function suppressColourInk(rgb: Uint8Array, width: number, height: number, channels: number, gain = 0.15, blueGain = gain, s0 = 0.15): GreyImage {
  const n = width * height;
  const out = new Uint8Array(n);
  for (let i = 0, j = 0; i < n; i++, j += channels) {
    const r = rgb[j];
    const g = rgb[j + 1];
    const b = rgb[j + 2];
    const max = r > g ? (r > b ? r : b) : g > b ? g : b;
    const min = r < g ? (r < b ? r : b) : g < b ? g : b;
    const sat = max === 0 ? 0 : (max - min) / max - s0;
    // Blue (pen) strokes are thin and rarely hide letters: they may take a stronger lift
    // than red seals, which lie over whole words.
    const k = b === max ? blueGain : gain;
    const v = sat > 0 ? max * (1 + k * sat) : max;
    out[i] = v > 255 ? 255 : v;
  }
  return { data: out, width, height };
}

/** Share of clearly saturated pixels (chroma > 60), sampling every `stride`-th pixel. */
export function saturatedShare(rgb: Uint8Array, width: number, height: number, channels: number, stride = 1): number {
  const n = Math.floor((width * height) / stride);
  let count = 0;
  for (let j = 0; j < width * height * channels; j += channels * stride) {
    const r = rgb[j];
    const g = rgb[j + 1];
    const b = rgb[j + 2];
    const max = r > g ? (r > b ? r : b) : g > b ? g : b;
    const min = r < g ? (r < b ? r : b) : g < b ? g : b;
    if (max - min > 60) count++;
  }
  return n === 0 ? 0 : count / n;
}

/**
 * Uneven lighting: divide the page by an estimate of its paper brightness, so the paper
 * comes out white everywhere and the ink keeps its contrast. `paper` is a small, text-free,
 * blurred copy; it is upsampled bilinearly on the fly. Pixels within `paperLevel` of the
 * paper become pure white, which also removes the scanner's grain from the background.
 */
export function divideByBackground(grey: Uint8Array, width: number, height: number, paper: GreyImage, paperLevel = 0.88): Uint8Array {
  // grey/paper ≥ paperLevel is paper (noise, stains, page edges) → 255; below, the ink's
  // grey ramp is stretched to the full range.
  const gain = 255 / paperLevel;
  const out = new Uint8Array(grey.length);
  const pw = paper.width;
  const ph = paper.height;
  // Horizontal sampling positions, once for all rows.
  const xi0 = new Int32Array(width);
  const xi1 = new Int32Array(width);
  const xw = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const fx = Math.min(pw - 1, Math.max(0, ((x + 0.5) * pw) / width - 0.5));
    xi0[x] = Math.floor(fx);
    xi1[x] = Math.min(pw - 1, xi0[x] + 1);
    xw[x] = fx - xi0[x];
  }
  const col = new Float32Array(pw);
  const inv = new Float32Array(width);
  for (let y = 0; y < height; y++) {
    const fy = Math.min(ph - 1, Math.max(0, ((y + 0.5) * ph) / height - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(ph - 1, y0 + 1);
    const wy = fy - y0;
    for (let k = 0; k < pw; k++) col[k] = paper.data[y0 * pw + k] * (1 - wy) + paper.data[y1 * pw + k] * wy;
    // The paper changes slowly: its reciprocal is recomputed every 8th row only.
    if ((y & 7) === 0 || y === 0) {
      for (let x = 0; x < width; x++) {
        const bg = col[xi0[x]] + (col[xi1[x]] - col[xi0[x]]) * xw[x];
        inv[x] = gain / (bg > 1 ? bg : 1);
      }
    }
    const base = y * width;
    for (let x = 0; x < width; x++) {
      const v = grey[base + x] * inv[x];
      out[base + x] = v >= 255 ? 255 : v | 0;
    }
  }
  return out;
}

/** Rec. 601 luma of an RGB(A) buffer. */
export function luminance(rgb: Uint8Array, width: number, height: number, channels: number): GreyImage {
  const n = width * height;
  const out = new Uint8Array(n);
  for (let i = 0, j = 0; i < n; i++, j += channels) out[i] = (rgb[j] * 77 + rgb[j + 1] * 150 + rgb[j + 2] * 29) >> 8;
  return { data: out, width, height };
}

/** Otsu threshold of an 8-bit image (the level that best splits ink from paper). */
export function otsuThreshold(data: Uint8Array): number {
  const hist = new Float64Array(256);
  for (let i = 0; i < data.length; i++) hist[data[i]]++;
  const total = data.length;
  let sum = 0;
  for (let t = 0; t < 256; t++) sum += t * hist[t];
  let sumB = 0;
  let wB = 0;
  let best = 0;
  let threshold = 128;
  for (let t = 0; t < 256; t++) {
    wB += hist[t];
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * hist[t];
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) * (mB - mF);
    if (between > best) {
      best = between;
      threshold = t;
    }
  }
  return threshold;
}

/** Coordinates of ink pixels (value ≤ threshold), as two parallel arrays. */
function inkPoints(img: GreyImage, threshold: number): { xs: Int32Array; ys: Int32Array } {
  let count = 0;
  for (let i = 0; i < img.data.length; i++) if (img.data[i] <= threshold) count++;
  const xs = new Int32Array(count);
  const ys = new Int32Array(count);
  let k = 0;
  for (let y = 0; y < img.height; y++) {
    const row = y * img.width;
    for (let x = 0; x < img.width; x++) {
      if (img.data[row + x] <= threshold) {
        xs[k] = x;
        ys[k] = y;
        k++;
      }
    }
  }
  return { xs, ys };
}

/**
 * Projection-profile score of one shear angle: ink pixels are binned into rows of the page
 * sheared by `angleDeg`; when the text lines are level, the rows alternate between full and
 * empty and the sum of squared row counts peaks.
 */
function profileScore(xs: Int32Array, ys: Int32Array, width: number, height: number, angleDeg: number, bins: Float64Array, stride: number): number {
  const t = Math.tan((angleDeg * Math.PI) / 180);
  const offset = Math.ceil(Math.abs(t) * width) + 1;
  bins.fill(0);
  for (let i = 0; i < xs.length; i += stride) {
    const y = Math.round(ys[i] - xs[i] * t) + offset;
    bins[y]++;
  }
  let score = 0;
  const limit = height + 2 * offset;
  for (let y = 0; y < limit; y++) score += bins[y] * bins[y];
  return score;
}

/**
 * Skew of the text lines in degrees, positive when the lines climb to the right (the page
 * was turned counter-clockwise and must be turned clockwise by that much). Search ±maxDeg:
 * coarse by 0.5° on a third of the ink pixels, then by 0.1° and 0.02° on all of them.
 */
export function estimateSkewDeg(img: GreyImage, threshold: number, maxDeg = 6): number {
  const { xs, ys } = inkPoints(img, threshold);
  if (xs.length < 200) return 0;
  const bins = new Float64Array(img.height + 2 * (Math.ceil(Math.tan(((maxDeg + 1) * Math.PI) / 180) * img.width) + 2));
  const search = (from: number, to: number, step: number, stride: number, start: number): number => {
    let best = start;
    let bestScore = -1;
    for (let a = from; a <= to + 1e-9; a += step) {
      const s = profileScore(xs, ys, img.width, img.height, a, bins, stride);
      if (s > bestScore) {
        bestScore = s;
        best = a;
      }
    }
    return best;
  };
  let best = search(-maxDeg, maxDeg, 0.5, 3, 0);
  best = search(best - 0.5, best + 0.5, 0.1, 1, best);
  best = search(best - 0.1, best + 0.1, 0.02, 1, best);
  return -Math.round(best * 100) / 100 || 0;
}

/** Ink count per row. */
export function rowProfile(img: GreyImage, threshold: number): Float64Array {
  const p = new Float64Array(img.height);
  for (let y = 0; y < img.height; y++) {
    let c = 0;
    const row = y * img.width;
    for (let x = 0; x < img.width; x++) if (img.data[row + x] <= threshold) c++;
    p[y] = c;
  }
  return p;
}

/** Ink count per column. */
export function columnProfile(img: GreyImage, threshold: number): Float64Array {
  const p = new Float64Array(img.width);
  for (let y = 0; y < img.height; y++) {
    const row = y * img.width;
    for (let x = 0; x < img.width; x++) if (img.data[row + x] <= threshold) p[x]++;
  }
  return p;
}

/** Text lines as runs of rows whose ink count exceeds a small share of the busiest row. */
export function textLines(profile: Float64Array): { top: number; bottom: number; peak: number }[] {
  let max = 0;
  for (const v of profile) if (v > max) max = v;
  const on = Math.max(1, max * 0.04);
  const lines: { top: number; bottom: number; peak: number }[] = [];
  let start = -1;
  for (let y = 0; y <= profile.length; y++) {
    const ink = y < profile.length && profile[y] > on;
    if (ink && start < 0) start = y;
    if (!ink && start >= 0) {
      let peak = start;
      for (let k = start; k < y; k++) if (profile[k] > profile[peak]) peak = k;
      lines.push({ top: start, bottom: y - 1, peak });
      start = -1;
    }
  }
  return lines;
}

function variance(p: Float64Array): number {
  let s = 0;
  let s2 = 0;
  for (const v of p) {
    s += v;
    s2 += v * v;
  }
  const m = s / (p.length || 1);
  return s2 / (p.length || 1) - m * m;
}

/**
 * Are the text lines horizontal? Horizontal lines make the row profile alternate strongly
 * (high variance relative to its mean²), while the column profile stays flat; the ratio
 * flips for a page turned by 90°.
 */
export function linesAreHorizontal(img: GreyImage, threshold: number): { horizontal: boolean; ratio: number } {
  const rows = rowProfile(img, threshold);
  const cols = columnProfile(img, threshold);
  const mean = (p: Float64Array) => p.reduce((a, b) => a + b, 0) / (p.length || 1);
  const rv = variance(rows) / Math.max(1e-9, mean(rows) ** 2);
  const cv = variance(cols) / Math.max(1e-9, mean(cols) ** 2);
  return { horizontal: rv >= cv, ratio: rv / Math.max(1e-9, cv) };
}

/**
 * Upright or upside down, for horizontal lines: in Latin script and even more in Vietnamese
 * (tone marks, circumflex and breve sit above the letters; only the dot-below tone and a few
 * descenders go below) a line carries more ink above its dense x-height core than below it.
 * Returns the sum over lines of (ink above − ink below) / line ink: > 0 means upright.
 */
export function uprightScore(img: GreyImage, threshold: number): number {
  const rows = rowProfile(img, threshold);
  const lines = textLines(rows);
  let score = 0;
  for (const line of lines) {
    const h = line.bottom - line.top + 1;
    if (h < 4) continue;
    // The x-height core: rows holding at least half of the line's peak ink.
    const peakInk = rows[line.peak];
    let coreTop = line.peak;
    let coreBottom = line.peak;
    while (coreTop > line.top && rows[coreTop - 1] >= peakInk * 0.5) coreTop--;
    while (coreBottom < line.bottom && rows[coreBottom + 1] >= peakInk * 0.5) coreBottom++;
    let above = 0;
    let below = 0;
    let total = 0;
    for (let y = line.top; y <= line.bottom; y++) {
      total += rows[y];
      if (y < coreTop) above += rows[y];
      else if (y > coreBottom) below += rows[y];
    }
    if (total > 0) score += (above - below) / total;
  }
  return score;
}

/** Median height in pixels of the text lines of a deskewed page, 0 when none. */
export function medianLineHeight(img: GreyImage, threshold: number): number {
  const lines = textLines(rowProfile(img, threshold))
    .map((l) => l.bottom - l.top + 1)
    .filter((h) => h >= 3);
  if (lines.length === 0) return 0;
  lines.sort((a, b) => a - b);
  return lines[Math.floor(lines.length / 2)];
}

/**
 * Upright or upside down from the margins: Vietnamese (like all left-to-right scripts) is
 * set flush left, so line starts line up while line ends are ragged (short last lines of
 * paragraphs, signature blocks); turned by 180°, it is the other way round. Returns
 * (spread of line ends − spread of line starts) / page width: > 0 means upright. Works on
 * short pages where the tone-mark cue of uprightScore has too few lines.
 */
export function marginScore(img: GreyImage, threshold: number): number {
  const lines = textLines(rowProfile(img, threshold)).filter((l) => l.bottom - l.top >= 2);
  if (lines.length < 2) return 0;
  const starts: number[] = [];
  const ends: number[] = [];
  for (const line of lines) {
    let x0 = -1;
    let x1 = -1;
    for (let x = 0; x < img.width; x++) {
      let ink = 0;
      for (let y = line.top; y <= line.bottom; y++) if (img.data[y * img.width + x] <= threshold) ink++;
      if (ink > 0) {
        if (x0 < 0) x0 = x;
        x1 = x;
      }
    }
    if (x0 >= 0) {
      starts.push(x0);
      ends.push(x1);
    }
  }
  // Spread = mean distance to the most common edge (the margin), robust to a few indents.
  const spread = (v: number[]) => {
    const sorted = [...v].sort((a, b) => a - b);
    const tol = Math.max(2, img.width * 0.01);
    let best = sorted[0];
    let bestCount = 0;
    for (const c of sorted) {
      const n = sorted.filter((x) => Math.abs(x - c) <= tol).length;
      if (n > bestCount) {
        bestCount = n;
        best = c;
      }
    }
    return v.reduce((a, x) => a + Math.min(Math.abs(x - best), img.width * 0.25), 0) / v.length;
  };
  return (spread(ends) - spread(starts)) / img.width;
}

/**
 * Bounding box of the ink (pixels ≤ threshold) of a page, ignoring rows and columns with fewer
 * than `minInk` ink pixels (specks). Sampled every `step` pixels. null for a blank page.
 */
export function inkBounds(img: GreyImage, threshold: number, step = 2, minInk = 3): { x0: number; y0: number; x1: number; y1: number } | null {
  const { data, width, height } = img;
  const cols = new Uint32Array(width);
  let y0 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y += step) {
    let ink = 0;
    const row = y * width;
    for (let x = 0; x < width; x += step) {
      if (data[row + x] <= threshold) {
        ink++;
        cols[x]++;
      }
    }
    if (ink >= minInk) {
      if (y0 < 0) y0 = y;
      y1 = y;
    }
  }
  if (y0 < 0) return null;
  let x0 = -1;
  let x1 = -1;
  for (let x = 0; x < width; x += step) {
    if (cols[x] >= minInk) {
      if (x0 < 0) x0 = x;
      x1 = x;
    }
  }
  if (x0 < 0) return null;
  return { x0, y0, x1: Math.min(width - 1, x1 + step - 1), y1: Math.min(height - 1, y1 + step - 1) };
}

/** A rectangle of a grey image, copied row by row. */
export function cropGrey(img: GreyImage, x0: number, y0: number, w: number, h: number): GreyImage {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) out.set(img.data.subarray((y0 + y) * img.width + x0, (y0 + y) * img.width + x0 + w), y * w);
  return { data: out, width: w, height: h };
}
