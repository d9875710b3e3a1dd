// Turns the files handed to addPages into pages, checking everything BEFORE anything is
// written: size, real format (magic bytes, never the file name), pixel count from the
// header (no full decode of a decompression bomb), truncation (a full decode with
// failOn 'truncated' while making the compact copy and the thumbnail), page counts of
// multi-page TIFF and PDF, encrypted PDF.
//
// - JPEG / PNG / WebP / single-page TIFF: the original bytes are the page.
// - Multi-page TIFF: each page is extracted losslessly as PNG (one page = one blob).
// - PDF: each page is rasterised with pdfjs (legacy build) on @napi-rs/canvas; a page
//   with a text layer (a PDF made by software) keeps its own text and is not OCRed
//   (rasterised at 200 dpi), an image-only page is rasterised at 300 dpi and OCRed.
//
// openFile() does the file-level checks and counts the pages; page(n) then makes one page
// at a time (a 150-page PDF is never held in memory at once). Rasterising a 300 dpi page
// blocks its thread for ~0.6–1 s (pdfjs draws synchronously), so background imports run
// this in a worker thread (import-worker.ts). A page that cannot be read fails as
// PageFailure, naming the page.
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { checkInput, makePageCopies, MAX_INPUT_PIXELS, sniffFormat, estimateDpi, type PageOrientation } from '../ocr/preprocess';
import { OcrInputError } from '../ocr/errors';
import { AppError } from '../errors';
import { MAX_PAGE_FILE_BYTES } from '../../../shared/ipc/pages';
import { MAX_PDF_PAGES, MAX_TIFF_PAGES, PAGE_MESSAGES as M } from './messages';
import { sha256 } from './pageStore';

export interface InputFile {
  data: Buffer;
  fileName?: string;
  mime?: string;
}

export interface PdfWord {
  text: string;
  confidence: number;
  bbox: { x0: number; y0: number; x1: number; y1: number };
}

/** One page ready to be stored: every derived file made, nothing written yet. */
export interface PreparedPageFile {
  data: Buffer;
  sha256: string;
  mime: string;
  width: number;
  height: number;
  dpi: number | null;
  fileName: string;
  compact: { data: Buffer; sha256: string; mime: string };
  thumb: { data: Buffer; sha256: string; mime: string };
  /** Turn and skew measured on the page, already applied to `compact` and `thumb` (null: not
   *  measured, a PDF page with its own text layer is upright as made). */
  orientation: PageOrientation | null;
  /** Text from a PDF text layer (no OCR needed). */
  pdfText?: { text: string; words: PdfWord[] };
}

/** A page whose blobs are stored: what its rows need (pages/index.ts insertPageRows). */
export type PageFileMeta = Omit<PreparedPageFile, 'data' | 'compact' | 'thumb'> & {
  byteSize: number;
  compact: { sha256: string; size: number };
  /** sha256 of the thumbnail (JPEG). */
  thumb: string;
};

const MIME: Record<string, string> = { jpeg: 'image/jpeg', png: 'image/png', tiff: 'image/tiff', webp: 'image/webp' };

function isPdf(b: Buffer): boolean {
  // '%PDF-' within the first 1 KB (some producers put junk before it).
  return b.subarray(0, 1024).includes(Buffer.from('%PDF-', 'latin1'));
}

function inputError(e: unknown, name: string): AppError {
  if (e instanceof AppError) return e;
  if (e instanceof OcrInputError) {
    switch (e.problem) {
      case 'empty':
        return new AppError('invalid', M.empty(name));
      case 'not-image':
      case 'unsupported':
        return new AppError('invalid', M.notImage(name));
      case 'too-large':
        return new AppError('invalid', `${name ? `Tệp "${name}": ` : ''}${e.message}`);
      default:
        return new AppError('invalid', M.corrupt(name));
    }
  }
  return new AppError('invalid', M.corrupt(name));
}

async function finishPage(
  data: Buffer,
  mime: string,
  size: { width: number; height: number; density?: number },
  fileName: string,
  pdfText?: PreparedPageFile['pdfText'],
  dpiOverride?: number,
): Promise<PreparedPageFile> {
  // Upright, levelled compact copy and thumbnail (the thumbnail's full decode is the truncation check).
  const { compact, thumb, orientation } = await makePageCopies(data, { orient: !pdfText });
  return {
    data,
    sha256: sha256(data),
    mime,
    width: size.width,
    height: size.height,
    dpi: dpiOverride ?? Math.round(estimateDpi(size.width, size.height, size.density)),
    fileName,
    compact: { data: compact.data, sha256: sha256(compact.data), mime: compact.mime },
    thumb: { data: thumb, sha256: sha256(thumb), mime: 'image/jpeg' },
    orientation,
    ...(pdfText ? { pdfText } : {}),
  };
}

/** A checked file whose pages are made one at a time: page(1) … page(pageCount), then close(). */
export interface OpenedFile {
  name: string;
  pageCount: number;
  page(n: number): Promise<PreparedPageFile>;
  close(): Promise<void>;
}

/** Page n of a multi-page file could not be read (the pages before it were fine). */
export class PageFailure extends AppError {
  constructor(
    readonly fileName: string,
    readonly pageNumber: number,
    readonly pageCount: number,
    reason: string,
  ) {
    super('invalid', M.pageBroken(fileName, pageNumber, pageCount, reason));
  }
}

/** Runs one step of making page n; any failure becomes a PageFailure with `reason`. */
async function pageStep<T>(name: string, n: number, count: number, reason: string, fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof PageFailure) throw e;
    throw new PageFailure(name, n, count, reason);
  }
}

/** The checks that need no decoding (size, real format): what a caller can refuse at once. */
export function checkFileQuick(file: InputFile): 'pdf' | 'image' {
  const name = file.fileName ?? '';
  const data = file.data;
  if (!data || data.length === 0) throw new AppError('invalid', M.empty(name));
  if (data.length > MAX_PAGE_FILE_BYTES) throw new AppError('invalid', M.tooBig(name, MAX_PAGE_FILE_BYTES / 1024 / 1024));
  if (isPdf(data)) return 'pdf';
  if (!sniffFormat(data)) throw new AppError('invalid', M.notImage(name));
  return 'image';
}

/** Checks a file (format, pixel limits, page count, encryption) and counts its pages; nothing is decoded yet. */
export async function openFile(file: InputFile): Promise<OpenedFile> {
  const name = file.fileName ?? '';
  const data = file.data;
  if (checkFileQuick(file) === 'pdf') return openPdf(data, name);
  const format = sniffFormat(data)!;
  try {
    // Header only: dimensions and pixel limit before any decode (a decompression bomb is
    // refused here, without allocating its pixels).
    const head = await sharp(data, { limitInputPixels: false }).metadata();
    if ((head.width ?? 0) * (head.height ?? 0) > MAX_INPUT_PIXELS) {
      throw new AppError('invalid', M.tooManyPixels(name, head.width ?? 0, head.height ?? 0, Math.round(MAX_INPUT_PIXELS / 1e6)));
    }
    const checked = await checkInput(data);
    const n = format === 'tiff' ? (head.pages ?? 1) : 1;
    if (n > MAX_TIFF_PAGES) throw new AppError('invalid', M.tiffTooManyPages(name, n, MAX_TIFF_PAGES));
    const close = async () => undefined;
    if (n === 1) {
      return { name, pageCount: 1, close, page: () => finishPage(data, MIME[format], checked, name).catch((e) => Promise.reject(inputError(e, name))) };
    }
    // Multi-page TIFF: each page extracted losslessly as PNG.
    const page = (i: number) =>
      pageStep(name, i, n, M.reasonImage, async () => {
        const png = await sharp(data, { page: i - 1, limitInputPixels: MAX_INPUT_PIXELS, failOn: 'truncated' })
          .png({ compressionLevel: 6 })
          .toBuffer();
        const pm = await checkInput(png);
        return finishPage(png, 'image/png', { ...pm, density: head.density }, pageName(name, i, 'png'));
      });
    return { name, pageCount: n, close, page };
  } catch (e) {
    throw inputError(e, name);
  }
}

/** Checks one file and turns it into pages (all in memory). Throws AppError('invalid') with the reason in Vietnamese. */
export async function prepareFile(file: InputFile, onPage?: (done: number, total: number) => void): Promise<PreparedPageFile[]> {
  const opened = await openFile(file);
  try {
    const out: PreparedPageFile[] = [];
    for (let i = 1; i <= opened.pageCount; i++) {
      out.push(await opened.page(i));
      onPage?.(i, opened.pageCount);
    }
    return out;
  } finally {
    await opened.close();
  }
}

function pageName(name: string, n: number, ext: string): string {
  const base = name ? name.replace(/\.[^.]*$/, '') : 'trang';
  return `${base}-trang-${String(n).padStart(3, '0')}.${ext}`;
}

// ---------- PDF ----------

const require = createRequire(import.meta.url);

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjsPromise: Promise<PdfJs> | undefined;
function loadPdfJs(): Promise<PdfJs> {
  pdfjsPromise ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjsPromise;
}

/** The PDF's trailer names an /Encrypt dictionary (also PDFs with only an owner password). */
function looksEncrypted(b: Buffer): boolean {
  return /\/Encrypt\s*(\d+\s+\d+\s+R|<<)/.test(b.toString('latin1'));
}

interface PdfCanvas {
  data(): Uint8Array;
}

/** Minimum non-space characters for a PDF page's text layer to be used instead of OCR. */
const MIN_TEXT_CHARS = 20;

async function openPdf(data: Buffer, name: string): Promise<OpenedFile> {
  if (looksEncrypted(data)) throw new AppError('invalid', M.pdfEncrypted(name));
  const pdfjs = await loadPdfJs();
  const pdfjsDir = path.dirname(require.resolve('pdfjs-dist/package.json'));
  let doc: Awaited<ReturnType<PdfJs['getDocument']>['promise']>;
  try {
    doc = await pdfjs.getDocument({
      data: new Uint8Array(data),
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      standardFontDataUrl: path.join(pdfjsDir, 'standard_fonts') + path.sep,
      cMapUrl: path.join(pdfjsDir, 'cmaps') + path.sep,
      cMapPacked: true,
      verbosity: 0,
      // A damaged page (unreadable content stream, an image object that is not an image)
      // fails with its page number instead of being stored blank or half-drawn.
      stopAtErrors: true,
    }).promise;
  } catch (e) {
    if ((e as Error)?.name === 'PasswordException') throw new AppError('invalid', M.pdfEncrypted(name));
    throw new AppError('invalid', M.pdfBroken(name));
  }
  const n = doc.numPages;
  if (n === 0 || n > MAX_PDF_PAGES) {
    await doc.destroy();
    throw new AppError('invalid', n === 0 ? M.pdfEmpty(name) : M.pdfTooManyPages(name, n, MAX_PDF_PAGES));
  }
  // pdfjs's own canvas factory: in Node it wraps the @napi-rs/canvas build pdfjs was made
  // with (its Path2D polyfill must come from the same build as the canvas it draws on).
  const factory = (doc as unknown as { canvasFactory: { create(w: number, h: number): { canvas: PdfCanvas; context: unknown }; destroy(c: unknown): void } }).canvasFactory;
  const page = async (i: number): Promise<PreparedPageFile> => {
    const step = <T>(reason: string, fn: () => Promise<T> | T) => pageStep(name, i, n, reason, fn);
    const page = await step(M.reasonStructure, () => doc.getPage(i));
    const content = await step(M.reasonContent, () => page.getTextContent());
    const items = content.items.filter((it): it is Extract<typeof it, { str: string }> => 'str' in it);
    const chars = items.reduce((k, it) => k + it.str.replace(/\s+/g, '').length, 0);
    const hasText = chars >= MIN_TEXT_CHARS;
    const dpi = hasText ? 200 : 300;
    const viewport = page.getViewport({ scale: dpi / 72 });
    const w = Math.ceil(viewport.width);
    const h = Math.ceil(viewport.height);
    if (!(w >= 1 && h >= 1)) throw new PageFailure(name, i, n, M.reasonStructure);
    if (w * h > MAX_INPUT_PIXELS) throw new PageFailure(name, i, n, M.reasonSize(w, h, Math.round(MAX_INPUT_PIXELS / 1e6)));
    const raw = await step(M.reasonContent, async () => {
      const cc = factory.create(w, h);
      try {
        // The DOM types pdfjs names (not in the Node-only builds that also compile this file).
        type Render = Parameters<typeof page.render>[0];
        const ctx = cc.context as NonNullable<Render['canvasContext']>;
        ctx.fillStyle = '#ffffff';
        ctx.fillRect(0, 0, w, h);
        await page.render({ canvas: cc.canvas as unknown as Render['canvas'], canvasContext: ctx, viewport }).promise;
        // data() is a view of the canvas's native memory: copy it before the canvas is freed.
        return Buffer.from(cc.canvas.data());
      } finally {
        factory.destroy(cc);
      }
    });
    const png = await step(M.reasonImage, () =>
      sharp(raw, { raw: { width: w, height: h, channels: 4 } })
        .removeAlpha()
        .greyscale()
        .png({ compressionLevel: 6 })
        .toBuffer(),
    );
    const pdfText = hasText ? textLayer(items, viewport, dpi) : undefined;
    page.cleanup();
    return step(M.reasonImage, () => finishPage(png, 'image/png', { width: w, height: h }, pageName(name, i, 'png'), pdfText, dpi));
  };
  return { name, pageCount: n, page, close: () => doc.destroy() };
}

type TextItem = { str: string; transform: number[]; width: number; hasEOL: boolean };

/** The page's own text and word boxes in page pixels (transform = [a b c d e f] in PDF points, y up). */
function textLayer(items: TextItem[], viewport: { convertToViewportPoint(x: number, y: number): number[] }, dpi: number): NonNullable<PreparedPageFile['pdfText']> {
  const words: PdfWord[] = [];
  const lines: string[] = [];
  let line = '';
  for (const it of items) {
    if (it.str.trim()) {
      const [x0, yBase] = viewport.convertToViewportPoint(it.transform[4], it.transform[5]);
      const fontH = Math.hypot(it.transform[2], it.transform[3]) * (dpi / 72);
      const itemW = it.width * (dpi / 72);
      const len = [...it.str].length || 1;
      let pos = 0;
      for (const part of it.str.split(/(\s+)/)) {
        const plen = [...part].length;
        if (part.trim()) {
          const a = x0 + (itemW * pos) / len;
          const b = x0 + (itemW * (pos + plen)) / len;
          words.push({ text: part.normalize('NFC'), confidence: 100, bbox: { x0: a, y0: yBase - fontH * 0.85, x1: b, y1: yBase + fontH * 0.2 } });
        }
        pos += plen;
      }
    }
    line += it.str;
    if (it.hasEOL) {
      lines.push(line);
      line = '';
    }
  }
  if (line) lines.push(line);
  return { text: lines.join('\n').normalize('NFC').trim(), words };
}
