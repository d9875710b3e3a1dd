// Digitised pages of dossier components (DOMAIN.md §5): import (addPages), list, reorder,
// rotate, delete, text and its correction, images by variant. The capture services
// (scanner, watched folder, camera) and the pages.add handler all come through addPages.
//
// addPages: every file is checked and turned into pages in memory first (inputs.ts); only
// then are the blobs written (content-addressed, atomic: pageStore.ts) and the rows
// inserted in ONE transaction (pages, OCR jobs or the PDF's own text, the component's
// digitisation state). If writing or the transaction fails, the blobs this call created
// are removed again: the dossier is left exactly as it was.
import sharp from 'sharp';
import type { Db } from '../db/database';
import { scheduleIdleMaintenance } from '../db/database';
import { AppError } from '../errors';
import { indexPageText } from './search';
import type {
  ComponentDigitisation,
  DigitisationState,
  OcrState,
  PageImage,
  PageImageVariant,
  PageInfo,
  PageList,
  PageRotation,
  PageSource,
  PageText,
  OcrWordInfo,
  UnreadableReason,
} from '../../../shared/ipc/pages';
import { sanitiseFileName } from '../../../shared/ipc/pages';
import { MAX_INPUT_PIXELS, uprightTurnDeg } from '../ocr/preprocess';
import { pageView } from '../ocr/views';
import { diskWriteError, PageStore, writePageBlobs, type BlobRef } from './pageStore';
import { prepareFile, type InputFile, type PageFileMeta, type PreparedPageFile } from './inputs';
import { PAGE_MESSAGES as M } from './messages';
import { attachEventOfPage, attachPages, type NewPage } from './attachEvents';
import type { DossierProjector } from '../dossier/projector';

export { PageStore, realFs, type FsSeam } from './pageStore';
export { PAGE_MESSAGES, MAX_PDF_PAGES } from './messages';
export type { InputFile } from './inputs';
export { indexPageText } from './search';

/** What the page operations need; AppServices exposes one as `services.pages`. */
export interface PagesContext {
  db: Db;
  dataDir: string;
  now: () => number;
  store: PageStore;
  /** The dossier projector: a page's dossier.file_attached goes through it (attachEvents.ts). */
  projector: DossierProjector;
  /** Told when new OCR jobs are queued (the OCR queue of the app; absent in tools that only import). */
  onQueued?: () => void;
}

export interface AddPagesInput {
  dossierId: string | number;
  componentId: string;
  images: InputFile[];
  source: PageSource;
  /** Resolution reported by the scanner, when known (overrides the estimate). */
  dpi?: number;
  /** NguoiSoHoa: the clerk who digitised the pages. */
  actor: string;
  /** Progress while preparing (pages done / pages known so far). */
  onProgress?: (done: number, total: number) => void;
}

/** A row of PAGE_SELECT: PageInfo's fields as stored, plus what stays in the main process. */
interface PageRow extends Omit<PageInfo, 'id' | 'dossierId' | 'reusedFromPageId' | 'ocr' | 'hasText' | 'download' | 'unreadable'> {
  id: number;
  dossierId: number;
  compactSha256: string;
  thumb: string;
  deletedAt: number | null;
  reusedFromPageId: number | null;
  ocrState: OcrState | null;
  ocrError: string | null;
  hasText: number;
  /** page_text.unreadable: set only when no correction replaced the recognised text. */
  unreadable: UnreadableReason | null;
  /** A 'sync' page whose file has not arrived: the download's state and last error. */
  downloadState: string | null;
  downloadError: string | null;
}

const PAGE_SELECT = `SELECT p.id, p.dossier_id AS dossierId, p.component_id AS componentId, p.position, p.sha256, p.mime,
  p.byte_size AS byteSize, p.width, p.height, p.dpi, p.source, p.file_name AS fileName, p.rotation,
  p.auto_rotation AS autoRotation, p.skew_deg AS skewDeg, p.compact_sha256 AS compactSha256, p.compact_size AS compactSize, p.thumb, p.created_at AS createdAt,
  p.deleted_at AS deletedAt, p.digitised_by AS digitisedBy, p.digitised_at AS digitisedAt, p.review_state AS reviewState,
  p.reused_from_page_id AS reusedFromPageId, j.state AS ocrState, j.error AS ocrError,
  (t.page_id IS NOT NULL) AS hasText, CASE WHEN t.corrected_text IS NULL THEN t.unreadable END AS unreadable, sd.state AS downloadState, sd.last_error AS downloadError
  FROM pages p LEFT JOIN ocr_jobs j ON j.page_id = p.id LEFT JOIN page_text t ON t.page_id = p.id
  LEFT JOIN sync_downloads sd ON p.source = 'sync' AND p.thumb = '' AND sd.sha256 = p.compact_sha256`;

export function toPageInfo(r: PageRow): PageInfo {
  return {
    id: String(r.id),
    dossierId: String(r.dossierId),
    componentId: r.componentId,
    position: r.position,
    sha256: r.sha256,
    mime: r.mime,
    byteSize: r.byteSize,
    width: r.width,
    height: r.height,
    dpi: r.dpi,
    source: r.source,
    fileName: r.fileName,
    rotation: r.rotation,
    autoRotation: r.autoRotation,
    skewDeg: r.skewDeg,
    compactSize: r.compactSize,
    createdAt: r.createdAt,
    digitisedBy: r.digitisedBy,
    digitisedAt: r.digitisedAt,
    reviewState: r.reviewState,
    reusedFromPageId: r.reusedFromPageId === null ? null : String(r.reusedFromPageId),
    ocr: r.ocrState ? { state: r.ocrState, error: r.ocrError } : null,
    hasText: r.hasText === 1,
    unreadable: r.unreadable ?? null,
    download: r.source === 'sync' && r.thumb === '' ? { error: r.downloadError ?? null } : null,
  };
}

function toId(v: string | number, label: string = M.pageNotFound): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new AppError('not_found', label);
  return n;
}

export function pageRow(db: Db, pageId: string | number): PageRow {
  const row = db.prepare(`${PAGE_SELECT} WHERE p.id = ? AND p.deleted_at IS NULL`).get(toId(pageId)) as PageRow | undefined;
  if (!row) throw new AppError('not_found', M.pageNotFound);
  return row;
}

export function requireDossier(db: Db, dossierId: string | number): { id: number; code: string; idNumber: string } {
  const n = toId(dossierId, M.dossierNotFound);
  const d = db.prepare('SELECT id, code, id_number AS idNumber FROM dossiers WHERE id = ?').get(n) as { id: number; code: string; idNumber: string } | undefined;
  if (!d) throw new AppError('not_found', M.dossierNotFound);
  return d;
}

/** A page target of the dossier: one of its components, or one of its result papers (review.ts). */
export function requireComponent(db: Db, dossierId: number, componentId: string): { name: string } {
  const c = db
    .prepare(
      `SELECT name FROM dossier_components WHERE dossier_id = ? AND component_id = ?
       UNION ALL SELECT name FROM dossier_results WHERE dossier_id = ? AND result_id = ? LIMIT 1`,
    )
    .get(dossierId, componentId, dossierId, componentId) as { name: string } | undefined;
  if (!c) throw new AppError('not_found', M.componentNotFound(componentId));
  return c;
}

/** Sets a component's digitisation state (never lowers a reuse state to 1). */
export function setComponentState(db: Db, dossierId: number, componentId: string, state: DigitisationState, now: number, sourceCode: string | null = null): void {
  db.prepare(
    `INSERT INTO component_digitisation (dossier_id, component_id, state, source_dossier_code, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (dossier_id, component_id) DO UPDATE SET
       state = CASE WHEN excluded.state = 1 AND component_digitisation.state IN (2, 3) THEN component_digitisation.state ELSE excluded.state END,
       source_dossier_code = coalesce(excluded.source_dossier_code, component_digitisation.source_dossier_code),
       updated_at = excluded.updated_at`,
  ).run(dossierId, componentId, state, sourceCode, now);
}

function nextPosition(db: Db, dossierId: number, componentId: string): number {
  return (db.prepare('SELECT coalesce(max(position), 0) FROM pages WHERE dossier_id = ? AND component_id = ? AND deleted_at IS NULL').pluck().get(dossierId, componentId) as number) + 1;
}

/**
 * Imports page images into a dossier component. Validates every file before writing
 * anything; expands multi-page TIFF and PDF; stores originals, compact copies and
 * thumbnails once by content hash; inserts the rows in one transaction; queues OCR.
 */
export async function addPages(ctx: PagesContext, input: AddPagesInput): Promise<PageInfo[]> {
  const dossier = requireDossier(ctx.db, input.dossierId);
  requireComponent(ctx.db, dossier.id, input.componentId);
  if (!input.images.length) throw new AppError('invalid', M.noFiles);

  // 1. Check and prepare everything in memory.
  const prepared: PreparedPageFile[] = [];
  let done = 0;
  for (const img of input.images) {
    const fileName = sanitiseFileName(img.fileName ?? '');
    const pages = await prepareFile({ ...img, fileName }, () => input.onProgress?.(++done, Math.max(done, input.images.length)));
    prepared.push(...pages);
  }
  return storePages(ctx, input, prepared);
}

/** Where prepared pages go and who digitised them. */
export type PageTarget = Pick<AddPagesInput, 'dossierId' | 'componentId' | 'source' | 'dpi' | 'actor'>;

/**
 * Stores prepared pages: blobs first (atomic, content-addressed), then every row in one
 * transaction, after the last position used. A failure removes the blobs this call created:
 * no row ever points at a missing file, no half-written file remains. The background import
 * (importJob.ts) does the same in two halves: writePageBlobs in its worker thread, then
 * insertPageRows here, one page at a time.
 */
export function storePages(ctx: PagesContext, input: PageTarget, prepared: PreparedPageFile[]): PageInfo[] {
  // Checked at the time of writing (after the awaits of preparing): the dossier must still be there.
  requireComponent(ctx.db, requireDossier(ctx.db, input.dossierId).id, input.componentId);
  const created: BlobRef[] = [];
  let files: PageFileMeta[];
  try {
    files = writePageBlobs(ctx.store, prepared, created);
  } catch (e) {
    rollbackBlobs(ctx, created);
    throw diskWriteError(e);
  }
  return insertPageRows(ctx, input, files, created);
}

/** Removes blobs a failed import created, unless a committed row uses them (a concurrent import may have added the same content). */
export function rollbackBlobs(ctx: PagesContext, created: BlobRef[]): void {
  for (const c of created) {
    const used = ctx.db.prepare('SELECT 1 FROM pages WHERE sha256 = ? OR compact_sha256 = ? OR thumb = ? LIMIT 1').get(c.hash, c.hash, c.hash);
    if (!used) ctx.store.remove(c.hash, c.mime);
  }
}

/** The rows of pages whose blobs are on disk, in one transaction; if it fails, the blobs in `created` are removed. */
export function insertPageRows(ctx: PagesContext, input: PageTarget, prepared: PageFileMeta[], created: BlobRef[]): PageInfo[] {
  const dossier = requireDossier(ctx.db, input.dossierId);
  // 3. Rows, in one transaction.
  const now = ctx.now();
  const insertPage = ctx.db.prepare(
    `INSERT INTO pages (dossier_id, component_id, position, sha256, mime, byte_size, width, height, dpi, source, file_name,
       rotation, auto_rotation, skew_deg, compact_sha256, compact_size, thumb, created_at, digitised_by, digitised_at, review_state)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
  );
  const insertJob = ctx.db.prepare(`INSERT INTO ocr_jobs (page_id, dossier_id, state, queued_at) VALUES (?, ?, 'queued', ?)`);
  const insertText = ctx.db.prepare(`INSERT INTO page_text (page_id, source, text, confidence, words, recognised_at) VALUES (?, 'pdf', ?, 100, ?, ?)`);
  let ids: number[];
  try {
    ids = ctx.db
      .transaction(() => {
        let pos = nextPosition(ctx.db, dossier.id, input.componentId);
        const out: number[] = [];
        const attached: NewPage[] = [];
        for (const p of prepared) {
          const id = Number(
            insertPage.run(
              dossier.id,
              input.componentId,
              pos++,
              p.sha256,
              p.mime,
              p.byteSize,
              p.width,
              p.height,
              input.dpi ?? p.dpi,
              input.source,
              p.fileName,
              p.orientation?.rotationDeg ?? null,
              p.orientation?.skewDeg ?? null,
              p.compact.sha256,
              p.compact.size,
              p.thumb,
              now,
              input.actor,
              now,
            ).lastInsertRowid,
          );
          if (p.pdfText) {
            insertText.run(id, p.pdfText.text, JSON.stringify(p.pdfText.words), now);
            indexPageText(ctx.db, id);
          } else insertJob.run(id, dossier.id, now);
          out.push(id);
          attached.push({ id, componentId: input.componentId, position: pos - 1, compactSha256: p.compact.sha256, compactSize: p.compact.size, createdAt: now, actor: input.actor });
        }
        attachPages(ctx.db, ctx.projector, dossier.id, attached);
        setComponentState(ctx.db, dossier.id, input.componentId, 1, now);
        return out;
      })
      .immediate();
  } catch (e) {
    rollbackBlobs(ctx, created);
    throw e;
  }
  scheduleIdleMaintenance(ctx.db);
  ctx.onQueued?.();
  return ids.map((id) => toPageInfo(pageRow(ctx.db, id)));
}

export function listPages(ctx: PagesContext, dossierId: string, componentId?: string): PageList {
  const d = requireDossier(ctx.db, dossierId);
  const rows = (
    componentId
      ? ctx.db.prepare(`${PAGE_SELECT} WHERE p.dossier_id = ? AND p.component_id = ? AND p.deleted_at IS NULL ORDER BY p.position, p.id`).all(d.id, componentId)
      : ctx.db.prepare(`${PAGE_SELECT} WHERE p.dossier_id = ? AND p.deleted_at IS NULL ORDER BY p.component_id, p.position, p.id`).all(d.id)
  ) as PageRow[];
  const comps = ctx.db
    .prepare(
      `SELECT c.component_id AS componentId, coalesce(s.state, 0) AS state, s.source_dossier_code AS sourceDossierCode,
         (SELECT count(*) FROM pages p WHERE p.dossier_id = c.dossier_id AND p.component_id = c.component_id AND p.deleted_at IS NULL) AS pageCount
       FROM dossier_components c LEFT JOIN component_digitisation s ON s.dossier_id = c.dossier_id AND s.component_id = c.component_id
       WHERE c.dossier_id = ? ORDER BY c.position`,
    )
    .all(d.id) as ComponentDigitisation[];
  return { pages: rows.map(toPageInfo), components: componentId ? comps.filter((c) => c.componentId === componentId) : comps };
}

/** New page order of a component; the hub's copy follows by dossier.pages_reordered, in the same transaction. */
export function reorderPages(ctx: PagesContext, dossierId: string, componentId: string, pageIds: string[], actor: string): PageInfo[] {
  const d = requireDossier(ctx.db, dossierId);
  requireComponent(ctx.db, d.id, componentId);
  ctx.db
    .transaction(() => {
      const current = ctx.db.prepare('SELECT id FROM pages WHERE dossier_id = ? AND component_id = ? AND deleted_at IS NULL').pluck().all(d.id, componentId) as number[];
      const want = pageIds.map(Number);
      const same = current.length === want.length && new Set(want).size === want.length && want.every((id) => current.includes(id));
      if (!same) throw new AppError('conflict', M.reorderMismatch);
      // Another PC's pages keep the order that PC gives them (fromSync.ts).
      const synced = ctx.db.prepare(`SELECT 1 FROM pages WHERE dossier_id = ? AND component_id = ? AND deleted_at IS NULL AND source = 'sync'`).get(d.id, componentId);
      if (synced) throw new AppError('conflict', M.syncedPageLocked);
      const upd = ctx.db.prepare('UPDATE pages SET position = ? WHERE id = ? AND position <> ?');
      const moved = want.reduce((n, id, i) => n + upd.run(i + 1, id, i + 1).changes, 0);
      // The attach events of the pages in their new order (a page from before sync has none).
      const order = want.flatMap((id) => attachEventOfPage(ctx.db, pageRow(ctx.db, id)) ?? []);
      if (moved && order.length) {
        ctx.projector.record([{ type: 'dossier.pages_reordered', stream: order[0].stream, at: ctx.now(), actor, body: { componentId, order: order.map((a) => a.eventId) } }]);
      }
    })
    .immediate();
  return listPages(ctx, dossierId, componentId).pages;
}

export function rotatePage(ctx: PagesContext, pageId: string, rotation: PageRotation): PageInfo {
  const row = pageRow(ctx.db, pageId);
  ctx.db.prepare('UPDATE pages SET rotation = ? WHERE id = ?').run(rotation, row.id);
  return toPageInfo(pageRow(ctx.db, row.id));
}

/**
 * Soft delete: the row stays (deleted_at), the blob stays (other rows may share it); OCR and
 * search drop it. A page that went to the hub is withdrawn there by dossier.file_removed,
 * written in the same transaction (attachEvents.ts keeps the attach event on the row).
 */
export function deletePage(ctx: PagesContext, pageId: string, actor: string, cancelOcr?: (pageId: number) => void): { deleted: string } {
  const row = pageRow(ctx.db, pageId);
  if (row.source === 'sync') throw new AppError('conflict', M.syncedPageLocked);
  const now = ctx.now();
  ctx.db
    .transaction(() => {
      markPageDeleted(ctx.db, row, now);
      const attached = attachEventOfPage(ctx.db, row);
      if (attached) {
        const { sha256, componentId, page } = attached.body;
        ctx.projector.record([{ type: 'dossier.file_removed', stream: attached.stream, at: now, actor, body: { attachedEventId: attached.eventId, sha256, componentId, page } }]);
      }
    })
    .immediate();
  cancelOcr?.(row.id);
  return { deleted: String(row.id) };
}

/**
 * The local effects of a page deletion, without its event: deletePage adds the clerk's; a
 * removal pulled from the hub (sync/apply.ts) already is one. The OCR queue writes no result
 * for a job that is no longer 'running', so a cancelled row is enough to stop it.
 */
export function markPageDeleted(db: Db, row: { id: number; dossierId: number; componentId: string }, now: number): void {
  db.prepare('UPDATE pages SET deleted_at = ? WHERE id = ?').run(now, row.id);
  db.prepare(`UPDATE ocr_jobs SET state = 'cancelled', finished_at = ? WHERE page_id = ? AND state IN ('queued', 'running')`).run(now, row.id);
  db.prepare('DELETE FROM page_fts WHERE rowid = ?').run(row.id);
  const left = db.prepare('SELECT count(*) FROM pages WHERE dossier_id = ? AND component_id = ? AND deleted_at IS NULL').pluck().get(row.dossierId, row.componentId) as number;
  if (left === 0) setComponentState(db, row.dossierId, row.componentId, 0, now);
}

export function pageText(ctx: PagesContext, pageId: string): PageText {
  const row = pageRow(ctx.db, pageId);
  const t = ctx.db
    .prepare(
      `SELECT source, text, corrected_text AS correctedText, corrected_by AS correctedBy, corrected_at AS correctedAt, confidence, words
       FROM page_text WHERE page_id = ?`,
    )
    .get(row.id) as { source: 'ocr' | 'pdf'; text: string; correctedText: string | null; correctedBy: string | null; correctedAt: number | null; confidence: number; words: string } | undefined;
  if (!t) return { pageId: String(row.id), source: null, text: '', correctedText: null, correctedBy: null, correctedAt: null, confidence: 0, words: [] };
  return { pageId: String(row.id), ...t, words: JSON.parse(t.words) as OcrWordInfo[] };
}

/** The clerk's correction: kept beside the recognised text; search and the PDF export use it. */
export function saveCorrection(ctx: PagesContext, pageId: string, text: string, actor: string): PageText {
  const row = pageRow(ctx.db, pageId);
  const now = ctx.now();
  ctx.db
    .transaction(() => {
      const has = ctx.db.prepare('SELECT 1 FROM page_text WHERE page_id = ?').get(row.id);
      if (has) {
        ctx.db.prepare('UPDATE page_text SET corrected_text = ?, corrected_by = ?, corrected_at = ? WHERE page_id = ?').run(text, actor, now, row.id);
      } else {
        // Typed in before (or instead of) OCR: the text is the correction of an empty reading.
        ctx.db
          .prepare(
            `INSERT INTO page_text (page_id, source, text, confidence, words, corrected_text, corrected_by, corrected_at, recognised_at)
             VALUES (?, 'ocr', '', 0, '[]', ?, ?, ?, ?)`,
          )
          .run(row.id, text, actor, now, now);
      }
      indexPageText(ctx.db, row.id);
    })
    .immediate();
  scheduleIdleMaintenance(ctx.db);
  return pageText(ctx, pageId);
}

/**
 * Clockwise degrees from the original (EXIF-oriented) to the page as the clerk sees it: the
 * turn and skew measured at import (the stored thumbnail and compact copy already carry
 * them), then the clerk's own turn on top, so the clerk always has the last word.
 */
export function viewTurnDeg(row: { rotation: PageRotation; autoRotation: PageRotation | null; skewDeg: number | null }): number {
  const auto = row.autoRotation === null ? 0 : uprightTurnDeg({ rotationDeg: row.autoRotation, skewDeg: row.skewDeg ?? 0 });
  return auto + row.rotation;
}

/**
 * A page image: original bytes; display (upright, levelled, the clerk's turn; JPEG unless the
 * original can go as it is); cleaned (the same with seals and pen faded and the lighting
 * flattened, 200 dpi grey JPEG); thumbnail or compact copy (with the clerk's turn). Display
 * and cleaned are rendered in a worker thread, the recent ones kept (ocr/views.ts).
 */
export async function pageImage(ctx: PagesContext, pageId: string, variant: PageImageVariant): Promise<PageImage & { data: Buffer }> {
  const row = pageRow(ctx.db, pageId);
  if (row.source === 'sync' && row.thumb === '') throw new AppError('unavailable', M.syncedNotDownloaded);
  const data = await pageImageBuffer(ctx, row, variant);
  return { ...data, dataBase64: data.data.toString('base64') };
}

export async function pageImageBuffer(
  ctx: PagesContext,
  row: { sha256: string; mime: string; compactSha256: string; thumb: string; rotation: PageRotation; autoRotation: PageRotation | null; skewDeg: number | null },
  variant: PageImageVariant,
): Promise<{ mime: string; data: Buffer }> {
  const rotate = async (buf: Buffer, mime: string, quality = 85) => {
    if (row.rotation === 0 && (mime === 'image/jpeg' || mime === 'image/png')) return { mime, data: buf };
    const s = sharp(buf, { limitInputPixels: MAX_INPUT_PIXELS }).autoOrient().rotate(row.rotation);
    return mime === 'image/png' ? { mime, data: await s.png().toBuffer() } : { mime: 'image/jpeg', data: await s.jpeg({ quality }).toBuffer() };
  };
  switch (variant) {
    case 'original':
      return { mime: row.mime, data: ctx.store.read(row.sha256, row.mime) };
    case 'thumb':
      return rotate(ctx.store.read(row.thumb, 'image/jpeg'), 'image/jpeg', 70);
    case 'compact':
      return rotate(ctx.store.read(row.compactSha256, 'image/png'), 'image/png');
    case 'cleaned':
      return pageView(row.sha256, 'cleaned', viewTurnDeg(row), () => ctx.store.read(row.sha256, row.mime));
    case 'display': {
      const turn = viewTurnDeg(row);
      if (turn === 0 && (row.mime === 'image/jpeg' || row.mime === 'image/png')) {
        const orig = ctx.store.read(row.sha256, row.mime);
        if (row.mime === 'image/png' || ((await sharp(orig).metadata()).orientation ?? 1) === 1) return { mime: row.mime, data: orig };
      }
      return pageView(row.sha256, 'display', turn, () => ctx.store.read(row.sha256, row.mime));
    }
  }
}
