// Searchable PDF of a component or a whole dossier: each page image at its own size (from
// its resolution), with an invisible text layer (text rendering mode 3, "3 Tr") placed at
// the word boxes, in the Tinos subset fonts of forms/ so Vietnamese extracts intact
// (pdftotext gives back the text; test/pages/pages.test.ts checks CER < 2 %).
//
// The text is the clerk's correction when there is one: its words are aligned to the
// recognised words (edit distance over words) so each corrected word takes the box of the
// word it replaces; inserted words join their neighbour's box.
import fs from 'node:fs';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import sharp from 'sharp';
import { AppError } from '../errors';
import { TextLayout } from '../forms/textLayout';
import type { OcrWordInfo, PageRotation } from '../../../shared/ipc/pages';
import { requireDossier, type PagesContext } from './index';
import { PAGE_MESSAGES as M } from './messages';
import { MAX_INPUT_PIXELS } from '../ocr/preprocess';

interface ExportRow {
  id: number;
  componentId: string;
  sha256: string;
  mime: string;
  width: number;
  height: number;
  dpi: number | null;
  rotation: PageRotation;
  text: string | null;
  corrected: string | null;
  words: string | null;
}

export interface SearchablePdf {
  fileName: string;
  pdf: Buffer;
  savedPath: string;
  pageCount: number;
}

export async function exportSearchablePdf(ctx: PagesContext, input: { dossierId: string; componentId?: string }): Promise<SearchablePdf> {
  const d = requireDossier(ctx.db, input.dossierId);
  const rows = ctx.db
    .prepare(
      // The page upright as the clerk sees it (the measured turn, then the clerk's), but not
      // levelled: the word boxes are in the original's pixels and only quarter turns map exactly.
      `SELECT p.id, p.component_id AS componentId, p.sha256, p.mime, p.width, p.height, p.dpi, (coalesce(p.auto_rotation, 0) + p.rotation) % 360 AS rotation,
         t.text, t.corrected_text AS corrected, t.words
       FROM pages p
       LEFT JOIN dossier_components c ON c.dossier_id = p.dossier_id AND c.component_id = p.component_id
       LEFT JOIN page_text t ON t.page_id = p.id
       WHERE p.dossier_id = ? AND p.deleted_at IS NULL ${input.componentId ? 'AND p.component_id = ?' : ''}
       ORDER BY c.position IS NULL, c.position, p.component_id, p.position, p.id -- result papers (no component row) last
      `,
    )
    .all(...(input.componentId ? [d.id, input.componentId] : [d.id])) as ExportRow[];
  if (!rows.length) throw new AppError('not_found', M.noPagesToExport);
  // A page of another PC whose file is still on its way (pages/fromSync.ts).
  if (rows.some((r) => !ctx.store.has(r.sha256, r.mime))) throw new AppError('unavailable', M.syncedNotDownloaded);

  const doc = new PDFDocument({ autoFirstPage: false, compress: true, info: { Title: `Hồ sơ ${d.code}`, Producer: 'Một cửa xã', Creator: 'Một cửa xã' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  const layout = new TextLayout(doc);
  for (const r of rows) {
    const { image, w, h } = await displayImage(ctx, r);
    const dpi = r.dpi && r.dpi >= 50 ? r.dpi : 300;
    const k = 72 / dpi;
    doc.addPage({ size: [w * k, h * k], margin: 0 });
    doc.image(image, 0, 0, { width: w * k, height: h * k });
    const words = pageWords(r);
    if (words.length) {
      doc.save();
      // Invisible text: rendering mode 3 set in the graphics state; pdfkit's own text
      // calls emit no Tr of their own for fill/stroke-less text, so every word inherits it.
      doc.addContent('3 Tr');
      for (const wd of words) {
        const b = rotateBox(wd.bbox, r.rotation, r.width, r.height);
        drawWord(doc, layout, wd.text, b.x0 * k, b.y0 * k, (b.x1 - b.x0) * k, (b.y1 - b.y0) * k);
      }
      doc.restore();
    }
  }
  doc.end();
  await ended;
  const pdf = Buffer.concat(chunks);
  const dir = path.join(ctx.dataDir, 'exports');
  fs.mkdirSync(dir, { recursive: true });
  const safeCode = d.code.replace(/[^0-9A-Za-z.-]/g, '_');
  const fileName = `${safeCode}${input.componentId ? `_${input.componentId.replace(/[^0-9A-Za-z.-]/g, '_')}` : ''}.pdf`;
  const savedPath = path.join(dir, fileName);
  const tmp = `${savedPath}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, pdf);
  fs.renameSync(tmp, savedPath);
  return { fileName, pdf, savedPath, pageCount: rows.length };
}

/** The page as shown: EXIF-oriented, turned by the page's rotation. JPEG originals go in as they are when possible. */
async function displayImage(ctx: PagesContext, r: ExportRow): Promise<{ image: Buffer; w: number; h: number }> {
  const orig = ctx.store.read(r.sha256, r.mime);
  const turned = r.rotation === 90 || r.rotation === 270;
  const w = turned ? r.height : r.width;
  const h = turned ? r.width : r.height;
  if (r.mime === 'image/jpeg' && r.rotation === 0) {
    const meta = await sharp(orig).metadata();
    if ((meta.orientation ?? 1) === 1) return { image: orig, w, h };
  }
  const image = await sharp(orig, { limitInputPixels: MAX_INPUT_PIXELS }).autoOrient().rotate(r.rotation).jpeg({ quality: 85 }).toBuffer();
  return { image, w, h };
}

/** A box in upright page pixels (W × H) after the page's own clockwise rotation. */
export function rotateBox(b: OcrWordInfo['bbox'], rot: PageRotation, W: number, H: number): OcrWordInfo['bbox'] {
  switch (rot) {
    case 90:
      return { x0: H - b.y1, y0: b.x0, x1: H - b.y0, y1: b.x1 };
    case 180:
      return { x0: W - b.x1, y0: H - b.y1, x1: W - b.x0, y1: H - b.y0 };
    case 270:
      return { x0: b.y0, y0: W - b.x1, x1: b.y1, y1: W - b.x0 };
    default:
      return b;
  }
}

function pageWords(r: ExportRow): OcrWordInfo[] {
  const words = r.words ? (JSON.parse(r.words) as OcrWordInfo[]) : [];
  if (r.corrected === null || r.corrected === undefined) return words;
  return alignCorrection(words, r.corrected);
}

/** Corrected words placed on the recognised words' boxes (word-level edit distance). */
export function alignCorrection(words: OcrWordInfo[], corrected: string): OcrWordInfo[] {
  const target = corrected.split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  const a = words.map((w) => w.text);
  const n = a.length;
  const m = target.length;
  // DP over words (pages hold a few hundred words: n·m stays small).
  const dp: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = 0; i <= n; i++) dp[i][0] = i;
  for (let j = 0; j <= m; j++) dp[0][j] = j;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      dp[i][j] = Math.min(dp[i - 1][j] + 1, dp[i][j - 1] + 1, dp[i - 1][j - 1] + (a[i - 1] === target[j - 1] ? 0 : 1));
    }
  }
  const out: (OcrWordInfo & { extra?: string[] })[] = words.map((w) => ({ ...w, text: '' }));
  const pendingBefore: string[] = [];
  let i = n;
  let j = m;
  const ops: { i: number; t: string | null }[] = [];
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && dp[i][j] === dp[i - 1][j - 1] + (a[i - 1] === target[j - 1] ? 0 : 1)) {
      ops.push({ i: i - 1, t: target[j - 1] });
      i--;
      j--;
    } else if (i > 0 && dp[i][j] === dp[i - 1][j] + 1) {
      ops.push({ i: i - 1, t: null });
      i--;
    } else {
      ops.push({ i: -1, t: target[j - 1] });
      j--;
    }
  }
  ops.reverse();
  let last = -1;
  for (const op of ops) {
    if (op.i >= 0) {
      if (op.t !== null) {
        out[op.i].text = [...pendingBefore.splice(0), op.t].join(' ');
        last = op.i;
      }
    } else if (op.t !== null) {
      if (last >= 0) out[last].text += ' ' + op.t;
      else pendingBefore.push(op.t);
    }
  }
  if (pendingBefore.length) out[0].text = [...pendingBefore, out[0].text].filter(Boolean).join(' ');
  return out.filter((w) => w.text);
}

/** One invisible word, stretched to its box (font size from the box height, horizontal scale from its width). */
function drawWord(doc: PDFKit.PDFDocument, layout: TextLayout, text: string, x: number, y: number, w: number, h: number): void {
  if (!text || w <= 0 || h <= 0) return;
  const size = Math.max(1, h * 0.8);
  const natural = layout.measure(text, 'regular', size);
  const scale = natural > 0 ? Math.max(10, Math.min(400, (w / natural) * 100)) : 100;
  let cx = x;
  for (const seg of layout.segments(text, 'regular')) {
    doc.font(seg.font).fontSize(size);
    doc.text(seg.text, cx, y, { lineBreak: false, horizontalScaling: scale } as PDFKit.Mixins.TextOptions);
    cx += (doc.widthOfString(seg.text) * scale) / 100;
  }
}
