// CLI commands of the digitisation feature (called from cli/run.ts):
//   ocr [--json] FILE...   recognise scanned pages (JPEG/PNG/TIFF/WebP/PDF) and print the text
//   import FOLDER          digitise a folder of old scans into existing dossiers
// Both use the app's own pipeline (inputs.ts checks and expansion, ocr/engine.ts pool,
// pages/index.ts addPages and the persisted OCR queue).
import fs from 'node:fs';
import path from 'node:path';
import type { AppServices } from '../services/app';
import { addPages } from '../services/pages/index';
import { prepareFile } from '../services/pages/inputs';
import { AppError } from '../services/errors';

export const PAGES_HELP = `  ocr [--json] TỆP...        Nhận dạng chữ trên ảnh quét hoặc PDF, in ra văn bản
                             (--json: một đối tượng JSON có text, confidence, timings, pages)
  import THƯ_MỤC             Số hoá một thư mục ảnh quét cũ vào các hồ sơ đã có.
                             Quy tắc ghép tệp với hồ sơ (tên tệp chỉ dùng làm thông tin):
                               THƯ_MỤC/<mã hồ sơ>/<thành phần>/<tệp>   (thư mục con theo hồ sơ, thành phần)
                               THƯ_MỤC/<mã hồ sơ>/<thành phần>_<n>.jpg (thư mục con theo hồ sơ)
                               THƯ_MỤC/<mã hồ sơ>_<thành phần>_<n>.jpg (tệp phẳng)
                             <thành phần> là mã thành phần hoặc số thứ tự (1, 2, …) trong hồ sơ;
                             <n> là số trang (sắp theo n). Hồ sơ không có thì được báo lại,
                             không tạo mới. Tiến độ in ra stderr; chờ nhận dạng chữ xong
                             (--no-wait: không chờ, hàng đợi chạy tiếp khi mở ứng dụng).
`;

const PAGE_EXT = /\.(jpe?g|png|tiff?|webp|pdf)$/i;

interface OcrOut {
  text: string;
  confidence: number;
  timings: { preprocessMs: number; ocrMs: number; totalMs: number };
  source: 'ocr' | 'pdf';
}

/** `ocr FILE...`: no data folder needed. Returns the exit code. */
export async function ocrCommand(files: string[], json: boolean, out: NodeJS.WritableStream): Promise<number> {
  if (!files.length) {
    process.stderr.write('Lỗi: cần ít nhất một tệp ảnh hoặc PDF.\n');
    return 2;
  }
  if (json && files.length > 1) {
    process.stderr.write('Lỗi: --json nhận đúng một tệp.\n');
    return 2;
  }
  const { createOcrPool } = await import('../services/ocr/engine');
  const pool = await createOcrPool({ size: 2 });
  let code = 0;
  try {
    for (const file of files) {
      const t0 = performance.now();
      let pages: OcrOut[];
      try {
        const prepared = await prepareFile({ data: fs.readFileSync(file), fileName: path.basename(file) });
        // Every page goes to the pool at once: the 2 slots work in parallel.
        pages = await Promise.all(
          prepared.map(async (p): Promise<OcrOut> => {
            if (p.pdfText) return { text: p.pdfText.text, confidence: 100, timings: { preprocessMs: 0, ocrMs: 0, totalMs: 0 }, source: 'pdf' };
            const r = await pool.recognize(p.data);
            return { text: r.text.trim(), confidence: Math.round(r.confidence * 10) / 10, timings: roundTimings(r.timings), source: 'ocr' };
          }),
        );
      } catch (e) {
        const msg = e instanceof AppError || (e as Error)?.name === 'OcrInputError' ? (e as Error).message : String(e);
        process.stderr.write(`Lỗi: ${file}: ${msg}\n`);
        code = 1;
        continue;
      }
      const totalMs = Math.round(performance.now() - t0);
      if (json) {
        const confidence = pages.length ? Math.round((pages.reduce((a, p) => a + p.confidence, 0) / pages.length) * 10) / 10 : 0;
        const timings = {
          preprocessMs: Math.round(pages.reduce((a, p) => a + p.timings.preprocessMs, 0)),
          ocrMs: Math.round(pages.reduce((a, p) => a + p.timings.ocrMs, 0)),
          totalMs,
        };
        out.write(JSON.stringify({ file: path.basename(file), text: pages.map((p) => p.text).join('\n\n'), confidence, timings, pages }) + '\n');
      } else {
        if (files.length > 1) out.write(`===== ${file} =====\n`);
        out.write(pages.map((p) => p.text).join('\n\n') + '\n');
      }
    }
  } finally {
    await pool.terminate();
  }
  return code;
}

function roundTimings(t: OcrOut['timings']): OcrOut['timings'] {
  return { preprocessMs: Math.round(t.preprocessMs), ocrMs: Math.round(t.ocrMs), totalMs: Math.round(t.totalMs) };
}

export interface ImportGroup {
  dossierCode: string;
  component: string;
  files: string[];
}

const FLAT = /^(.+?)_(.+)_(\d+)\.[^.]+$/;
const IN_DOSSIER = /^(.+)_(\d+)\.[^.]+$/;

/** Groups a folder's scans by dossier and component (the rule in PAGES_HELP). */
export function groupScans(folder: string): { groups: ImportGroup[]; ignored: string[] } {
  const map = new Map<string, ImportGroup & { n: Map<string, number> }>();
  const ignored: string[] = [];
  const add = (code: string, component: string, file: string, n: number) => {
    const key = `${code}\u0000${component}`;
    let g = map.get(key);
    if (!g) map.set(key, (g = { dossierCode: code, component, files: [], n: new Map() }));
    g.files.push(file);
    g.n.set(file, n);
  };
  const numberIn = (name: string) => Number(/(\d+)(?=\.[^.]+$)/.exec(name)?.[1] ?? 0);
  for (const e of fs.readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(folder, e.name);
    if (e.isFile()) {
      const m = PAGE_EXT.test(e.name) ? FLAT.exec(e.name) : null;
      if (m) add(m[1], m[2], p, Number(m[3]));
      else ignored.push(p);
    } else if (e.isDirectory()) {
      for (const f of fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const q = path.join(p, f.name);
        if (f.isDirectory()) {
          for (const g of fs.readdirSync(q).sort()) {
            if (PAGE_EXT.test(g)) add(e.name, f.name, path.join(q, g), numberIn(g));
            else ignored.push(path.join(q, g));
          }
        } else {
          const m = PAGE_EXT.test(f.name) ? IN_DOSSIER.exec(f.name) : null;
          if (m) add(e.name, m[1], q, Number(m[2]));
          else ignored.push(q);
        }
      }
    }
  }
  const groups = [...map.values()].map(({ n, ...g }) => ({ ...g, files: g.files.sort((a, b) => n.get(a)! - n.get(b)! || a.localeCompare(b)) }));
  return { groups, ignored };
}

/** `import FOLDER`: returns the exit code (1 when something was not imported; each is reported). */
export async function importCommand(services: AppServices, folder: string, opts: { wait: boolean; actor: string }, out: NodeJS.WritableStream): Promise<number> {
  const actor = opts.actor;
  if (!folder || !fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
    process.stderr.write(`Lỗi: không có thư mục ${folder ?? ''}.\n`);
    return 2;
  }
  const { groups, ignored } = groupScans(folder);
  const db = services.db;
  const missing: string[] = [];
  const failed: string[] = [];
  let pagesAdded = 0;
  const dossiersTouched = new Set<string>();
  const t0 = performance.now();
  for (const [i, g] of groups.entries()) {
    const prefix = `[${i + 1}/${groups.length}] ${g.dossierCode} / ${g.component}`;
    const d = db.prepare('SELECT id FROM dossiers WHERE code = ?').get(g.dossierCode) as { id: number } | undefined;
    if (!d) {
      missing.push(g.dossierCode);
      process.stderr.write(`${prefix}: không có hồ sơ này — bỏ qua ${g.files.length} tệp\n`);
      continue;
    }
    const comps = db.prepare('SELECT component_id FROM dossier_components WHERE dossier_id = ? ORDER BY position').pluck().all(d.id) as string[];
    const componentId = comps.includes(g.component) ? g.component : /^\d+$/.test(g.component) ? comps[Number(g.component) - 1] : undefined;
    if (!componentId) {
      failed.push(`${g.dossierCode} / ${g.component}: hồ sơ không có thành phần này`);
      process.stderr.write(`${prefix}: hồ sơ không có thành phần "${g.component}" — bỏ qua\n`);
      continue;
    }
    try {
      const images = g.files.map((f) => ({ data: fs.readFileSync(f), fileName: path.basename(f) }));
      const added = await addPages(services.pages, { dossierId: d.id, componentId, images, source: 'folder', actor });
      pagesAdded += added.length;
      dossiersTouched.add(g.dossierCode);
      process.stderr.write(`${prefix}: đã thêm ${added.length} trang\n`);
    } catch (e) {
      const msg = (e as Error).message;
      failed.push(`${g.dossierCode} / ${g.component}: ${msg}`);
      process.stderr.write(`${prefix}: lỗi — ${msg}\n`);
    }
  }
  const importSec = (performance.now() - t0) / 1000;
  if (opts.wait && pagesAdded) {
    const count = () => db.prepare(`SELECT count(*) FROM ocr_jobs WHERE state IN ('queued', 'running')`).pluck().get() as number;
    const timer = setInterval(() => process.stderr.write(`  nhận dạng chữ: còn ${count()} trang\n`), 5000);
    try {
      await services.ocr.whenIdle();
    } finally {
      clearInterval(timer);
    }
  }
  out.write(
    `Đã số hoá ${pagesAdded} trang vào ${dossiersTouched.size} hồ sơ trong ${importSec.toFixed(1)} giây` +
      (opts.wait && pagesAdded ? `; nhận dạng chữ xong sau ${((performance.now() - t0) / 1000).toFixed(1)} giây` : '') +
      '.\n',
  );
  if (missing.length) out.write(`Không tìm thấy ${missing.length} hồ sơ (không tạo mới): ${[...new Set(missing)].join(', ')}\n`);
  for (const f of failed) out.write(`Không nhập được: ${f}\n`);
  if (ignored.length) out.write(`Bỏ qua ${ignored.length} tệp không theo quy tắc đặt tên: ${ignored.map((f) => path.relative(folder, f)).join(', ')}\n`);
  return missing.length || failed.length ? 1 : 0;
}
