// Pages attached at another PC of the unit (PROTOCOL.md §5–6). A pulled dossier.file_attached
// becomes a page row here at once, in the pull's transaction (source 'sync', remote_event_id =
// that event), without its file: the file waits in sync_downloads until the sync engine
// fetches it (sync/download.ts) and hands it to storeDownloadedPage. Only the compact copy
// travels, so here it IS the page: original, display image and OCR input (already upright and
// levelled at the other PC: auto_rotation 0), and the thumbnail is made from it.
// The rows are never sent back (the outbox trigger skips 'sync', migration 7). They follow the
// other PC's removals and re-orderings through the dossier's derived files, and are not
// deleted or moved here: only the PC that attached a page withdraws or moves it.
import sharp from 'sharp';
import type Database from 'better-sqlite3';
import type { Db } from '../db/database';
import { AppError } from '../errors';
import type { AttachedFile } from '../../../shared/sync/derive';
import { MAX_INPUT_PIXELS, makeThumbnail } from '../ocr/preprocess';
import { markPageDeleted, setComponentState, type PagesContext } from './index';
import { sha256 } from './pageStore';
import { PAGE_MESSAGES as M } from './messages';

/** A file of the dossier's derived state attached by another PC, with the clerk who attached it. */
export type PulledFile = AttachedFile & { actor: string };

/**
 * Brings this dossier's rows of other PCs' pages in line with its derived files: a row for each
 * new attach (its file queued for download, or taken from a row that already has it), the
 * derived page position for the others, withdrawn ones marked deleted. Call inside the pull's
 * transaction.
 */
/** Prepared once per connection: this runs for every dossier a pull touches. */
const syncedPagesStmts = new WeakMap<Db, Database.Statement<unknown[]>>();

export function reconcilePulledPages(db: Db, dossierId: number, files: PulledFile[], now: number): void {
  let stmt = syncedPagesStmts.get(db);
  if (!stmt) {
    stmt = db.prepare<unknown[]>(
      `SELECT id, remote_event_id AS eventId, component_id AS componentId, position, deleted_at AS deletedAt
       FROM pages WHERE dossier_id = ? AND remote_event_id IS NOT NULL`,
    );
    syncedPagesStmts.set(db, stmt);
  }
  const rows = stmt.all(dossierId) as { id: number; eventId: string; componentId: string; position: number; deletedAt: number | null }[];
  if (!rows.length && !files.length) return; // most dossiers: no page of another PC
  const byEvent = new Map(rows.map((r) => [r.eventId, r]));
  const live = new Set(files.map((f) => f.eventId.toLowerCase()));
  for (const r of rows) if (r.deletedAt === null && !live.has(r.eventId)) markPageDeleted(db, { id: r.id, dossierId, componentId: r.componentId }, now);

  const move = db.prepare('UPDATE pages SET position = ? WHERE id = ? AND deleted_at IS NULL AND position <> ?');
  const arrived = db.prepare(`SELECT width, height, dpi, thumb FROM pages WHERE source = 'sync' AND compact_sha256 = ? AND thumb <> '' LIMIT 1`);
  const insert = db.prepare(
    `INSERT INTO pages (dossier_id, component_id, position, sha256, mime, byte_size, width, height, dpi, source, file_name, rotation,
       auto_rotation, skew_deg, compact_sha256, compact_size, thumb, created_at, digitised_by, digitised_at, review_state, remote_event_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'sync', ?, 0, 0, 0, ?, ?, ?, ?, ?, ?, 0, ?)`,
  );
  // A file already downloaded for another row is not fetched again; one that never arrived is (re)queued.
  const queue = db.prepare(
    `INSERT INTO sync_downloads (sha256, size, mime, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (sha256) DO UPDATE SET state = 'queued' WHERE sync_downloads.state = 'done'`,
  );
  const queueOcr = db.prepare(`INSERT INTO ocr_jobs (page_id, dossier_id, state, queued_at) VALUES (?, ?, 'queued', ?)`);
  const addResult = db.prepare('INSERT OR IGNORE INTO dossier_results (dossier_id, result_id, name, created_by, created_at) VALUES (?, ?, ?, ?, ?)');
  for (const f of files) {
    const eventId = f.eventId.toLowerCase();
    const row = byEvent.get(eventId);
    if (row) {
      move.run(f.page, row.id, f.page);
      continue;
    }
    const have = arrived.get(f.sha256) as { width: number; height: number; dpi: number | null; thumb: string } | undefined;
    if (f.resultName) addResult.run(dossierId, f.componentId, f.resultName, f.actor, f.at);
    const id = Number(
      insert.run(
        dossierId,
        f.componentId,
        f.page,
        f.sha256,
        f.mime,
        f.size,
        have?.width ?? 0,
        have?.height ?? 0,
        have?.dpi ?? null,
        f.fileName ?? '',
        f.sha256,
        f.size,
        have?.thumb ?? '',
        now,
        f.actor,
        f.at,
        eventId,
      ).lastInsertRowid,
    );
    if (have) queueOcr.run(id, dossierId, now);
    else queue.run(f.sha256, f.size, f.mime, now);
    setComponentState(db, dossierId, f.componentId, f.reuse ?? 1, now);
  }
}

const FORMAT_MIME: Record<string, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp', tiff: 'image/tiff' };

/**
 * A downloaded file (its SHA-256 already checked against the name it was asked by) becomes the
 * image of every 'sync' row naming it: stored in the page store (atomic), a thumbnail made from
 * it, the rows' size filled in, OCR queued (search here reads the text of these pages too), the
 * download marked done, in one transaction. A file that is not a readable image of its declared
 * type is refused (AppError 'invalid'): it will never become one.
 */
export async function storeDownloadedPage(ctx: PagesContext, file: { sha256: string; mime: string }, data: Buffer): Promise<void> {
  let meta: sharp.Metadata;
  let thumb: Buffer;
  try {
    meta = await sharp(data, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    if (FORMAT_MIME[meta.format ?? ''] !== file.mime) throw new Error(`format ${meta.format}`);
    thumb = await makeThumbnail(data);
  } catch {
    throw new AppError('invalid', M.syncedNotImage);
  }
  const thumbHash = sha256(thumb);
  try {
    ctx.store.put(data, file.mime, file.sha256);
    ctx.store.put(thumb, 'image/jpeg', thumbHash);
  } catch (e) {
    throw new AppError('unavailable', M.syncedDiskWrite((e as NodeJS.ErrnoException).code ?? (e as Error).message));
  }
  const now = ctx.now();
  ctx.db
    .transaction(() => {
      ctx.db
        .prepare(`UPDATE pages SET width = ?, height = ?, dpi = ?, thumb = ? WHERE source = 'sync' AND compact_sha256 = ?`)
        .run(meta.width ?? 0, meta.height ?? 0, meta.density ? Math.round(meta.density) : null, thumbHash, file.sha256);
      ctx.db
        .prepare(
          `INSERT INTO ocr_jobs (page_id, dossier_id, state, queued_at)
           SELECT p.id, p.dossier_id, 'queued', ? FROM pages p
           WHERE p.source = 'sync' AND p.compact_sha256 = ? AND p.deleted_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM ocr_jobs j WHERE j.page_id = p.id) AND NOT EXISTS (SELECT 1 FROM page_text t WHERE t.page_id = p.id)`,
        )
        .run(now, file.sha256);
      ctx.db.prepare(`UPDATE sync_downloads SET state = 'done', done_at = ?, last_error = NULL WHERE sha256 = ?`).run(now, file.sha256);
    })
    .immediate();
  ctx.onQueued?.();
}
