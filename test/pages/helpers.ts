// Helpers of the digitisation tests: an app on a temp folder with an optional fake OCR
// engine, sample pages, synthetic files (multi-page TIFF, PDFs made with pdfkit).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';
import sharp from 'sharp';
import { dispatch } from '../../electron/ipc/dispatch';
import { openAppServices, type AppServices } from '../../electron/services/app';
import type { OcrEngine } from '../../electron/services/pages/ocrQueue';
import type { OcrResult } from '../../electron/services/ocr/engine';
import { OcrCancelledError } from '../../electron/services/ocr/errors';
import { readQuality } from '../../electron/services/ocr/quality';
import type { CallInput, CallOutput, CallResult, Channel } from '../../shared/ipc/contract';
import { TextLayout } from '../../electron/services/forms/textLayout';
import { receiveInput, tempDir, UNIT } from '../electron/helpers/services';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SAMPLES = process.env.OCR_SAMPLES_DIR ?? path.resolve(REPO_ROOT, '../shared/ocr-samples');
export const sample = (name: string) => fs.readFileSync(path.join(SAMPLES, name));

export interface PagesApp {
  dir: string;
  services: AppServices;
  call<C extends Channel>(channel: C, input: CallInput<C>): Promise<CallOutput<C>>;
  raw<C extends Channel>(channel: C, input: unknown): Promise<CallResult<CallOutput<C>>>;
  close(): Promise<void>;
}

export async function openPagesApp(opts: { dir?: string; engine?: (size: number) => Promise<OcrEngine>; now?: () => number } = {}): Promise<PagesApp> {
  const dir = opts.dir ?? tempDir('motcua-pages-');
  const services = openAppServices({ dataDir: dir, appVersion: 'test', ocrEngine: opts.engine, now: opts.now });
  const raw = async <C extends Channel>(channel: C, input: unknown) => (await dispatch(services.handlers, channel, input)) as CallResult<CallOutput<C>>;
  const call = async <C extends Channel>(channel: C, input: CallInput<C>) => {
    const r = await raw<C>(channel, input);
    if (!r.ok) throw Object.assign(new Error(`${channel}: ${r.error.code}: ${r.error.message}`), { callError: r.error });
    return r.value;
  };
  const app = { dir, services, call, raw, close: () => services.closeAsync() };
  const info = await call('app.info', {});
  if (!info.settings) await call('settings.save', UNIT);
  return app;
}

/** A received dossier with two components (giấy tờ A = 'banchinh', B = 'tokhai'). */
export async function newDossier(app: PagesApp, overrides: Partial<CallInput<'dossiers.receive'>> = {}) {
  return app.call(
    'dossiers.receive',
    receiveInput({
      components: [
        { componentId: 'banchinh', name: 'Bản chính giấy tờ', original: 1, certified: 0, photocopy: 0, received: true },
        { componentId: 'tokhai', name: 'Tờ khai', original: 1, certified: 0, photocopy: 0, received: true },
      ],
      ...overrides,
    }),
  );
}

/** A fake engine: answers after `ms`, honours the abort signal, counts calls. */
export function fakeEngine(ms = 50, text = 'trang giả lập') {
  const calls: number[] = [];
  let release: (() => void) | null = null;
  const engine: OcrEngine = {
    recognize: (image: Buffer, o = {}) =>
      new Promise<OcrResult>((resolve, reject) => {
        calls.push(image.length);
        const words = text.split(' ').map((t, i) => ({ text: t, confidence: 90, bbox: { x0: 10 + i * 100, y0: 10, x1: 90 + i * 100, y1: 40 } }));
        const done = () =>
          resolve({
            text,
            confidence: 90,
            words,
            page: { width: 100, height: 100, rotationDeg: 0, skewDeg: 0, skewCorrected: false, scale: 1, colourSuppressed: false, lightingFlattened: false },
            timings: { preprocessMs: 1, ocrMs: ms, totalMs: ms },
            turn: { basis: 'cues', tried: [0], osd: null },
            quality: readQuality(words),
            readability: { readable: true, reason: null },
          });
        const t = ms >= 0 ? setTimeout(done, ms) : null;
        if (ms < 0) release = done;
        o.signal?.addEventListener('abort', () => {
          if (t) clearTimeout(t);
          reject(new OcrCancelledError());
        });
      }),
    terminate: async () => undefined,
  };
  return { engine, calls, release: () => release?.() };
}

/** A small page image with some text (PNG). */
export async function textPage(text: string, w = 1240, h = 1754): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="#fff"/>
    <text x="100" y="200" font-size="48" font-family="serif" fill="#000">${text}</text></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** A multi-page TIFF written by libvips through sharp (pages joined as an "animated" image). */
export async function multiPageTiff(pages: Buffer[]): Promise<Buffer> {
  return sharp(pages, { join: { animated: true } })
    .tiff({ compression: 'lzw' })
    .toBuffer();
}

function pdfBuffer(build: (doc: PDFKit.PDFDocument) => void, opts: PDFKit.PDFDocumentOptions = {}): Promise<Buffer> {
  const doc = new PDFDocument({ autoFirstPage: false, ...opts });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  build(doc);
  doc.end();
  return done;
}

/** A PDF made by software, with a text layer (Tinos, Vietnamese). */
export function textPdf(lines: string[]): Promise<Buffer> {
  return pdfBuffer((doc) => {
    doc.addPage({ size: 'A4', margin: 50 });
    const layout = new TextLayout(doc);
    let y = 80;
    for (const line of lines) {
      let x = 60;
      for (const seg of layout.segments(line, 'regular')) {
        doc.font(seg.font).fontSize(14).text(seg.text, x, y, { lineBreak: false });
        x += doc.widthOfString(seg.text);
      }
      y += 24;
    }
  });
}

/** A PDF of page images only (a scanner's PDF). */
export function imagePdf(images: Buffer[]): Promise<Buffer> {
  return pdfBuffer((doc) => {
    for (const img of images) {
      doc.addPage({ size: 'A4', margin: 0 });
      doc.image(img, 0, 0, { width: doc.page.width, height: doc.page.height });
    }
  });
}

export function blankPdf(pages: number, opts: PDFKit.PDFDocumentOptions = {}): Promise<Buffer> {
  return pdfBuffer((doc) => {
    for (let i = 0; i < pages; i++) doc.addPage({ size: 'A4', margin: 0 });
  }, opts);
}

export function encryptedPdf(): Promise<Buffer> {
  return pdfBuffer(
    (doc) => {
      doc.addPage({ size: 'A4', margin: 50 });
      doc.fontSize(14).text('Secret page with some text to read', 60, 80);
    },
    { userPassword: 'matkhau', ownerPassword: 'chu', pdfVersion: '1.7' },
  );
}

/**
 * n small image-only pages ("Trang k" as vector text: under 20 characters, so rasterised at
 * 300 dpi and queued for OCR). 1.5-inch square pages keep 150 of them quick to rasterise;
 * uncompressed so that corruptPage can damage one page's content in place.
 */
export function numberedPdf(n: number): Promise<Buffer> {
  return pdfBuffer(
    (doc) => {
      for (let k = 1; k <= n; k++) {
        doc.addPage({ size: [108, 108], margin: 0 });
        doc.rect(6, 6, 96, 96).lineWidth(2).stroke();
        doc.fontSize(18).text(`Trang ${k}`, 14, 45, { lineBreak: false });
      }
    },
    { compress: false },
  );
}

/**
 * Page k's content stream overwritten in place (same length, so the offsets stay valid): it
 * draws an image object the page does not have, then noise — damaged bytes in one page.
 */
export function corruptPage(pdf: Buffer, k: number): Buffer {
  const s = pdf.toString('latin1');
  const kids = /\/Kids \[([^\]]*)\]/.exec(s)!;
  const pageObj = kids[1]
    .trim()
    .split(/\s+0\s+R\s*/)
    .filter(Boolean)[k - 1];
  const pageAt = s.indexOf(`\n${pageObj} 0 obj`) + 1;
  const contents = /\/Contents (\d+) 0 R/.exec(s.slice(pageAt, s.indexOf('endobj', pageAt)))![1];
  const from = s.indexOf('stream\n', s.indexOf(`\n${contents} 0 obj`)) + 'stream\n'.length;
  const to = s.indexOf('\nendstream', from);
  const out = Buffer.from(pdf);
  for (let i = from; i < to; i++) out[i] = (i * 7919 + 13) & 0xff;
  out.write('/Im404 Do\n', from, 'latin1');
  return out;
}

/** Every file under a folder (relative paths). */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}
