// Page text search: the folded text of each page (the clerk's correction if any, else the
// recognised text) in the contentless FTS5 table page_fts (rowid = pages.id), and the
// query that finds dossiers by a word of their scanned pages for dossiers.list.
import type { Db } from '../db/database';
import { foldForSearch } from '../../../shared/domain/text';

/** The page's search entry: the corrected text if any, else the recognised text unless the
 *  page was found unreadable (that text is kept, not offered as the page's), folded. */
export function indexPageText(db: Db, pageId: number): void {
  db.prepare('DELETE FROM page_fts WHERE rowid = ?').run(pageId);
  const t = db
    .prepare(
      `SELECT coalesce(t.corrected_text, CASE WHEN t.unreadable IS NULL THEN t.text END, '') AS body FROM page_text t JOIN pages p ON p.id = t.page_id
       WHERE t.page_id = ? AND p.deleted_at IS NULL`,
    )
    .get(pageId) as { body: string } | undefined;
  if (t && t.body.trim()) db.prepare('INSERT INTO page_fts (rowid, body) VALUES (?, ?)').run(pageId, foldForSearch(t.body));
}

/** Most dossier ids found by page text that dossiers.list merges in (newest first). */
export const PAGE_SEARCH_CAP = 1000;

/**
 * Dossier ids (newest first) with a page whose text matches an FTS5 expression (ftsQuery of
 * dossiers.ts). Empty at once when no page text exists, so the dossier search pays nothing.
 */
export function dossiersByPageText(db: Db, match: string, limit = PAGE_SEARCH_CAP): number[] {
  if (!db.prepare('SELECT 1 FROM page_text LIMIT 1').get()) return [];
  return db
    .prepare(
      `SELECT DISTINCT p.dossier_id FROM page_fts f JOIN pages p ON p.id = f.rowid
       WHERE page_fts MATCH ? AND p.deleted_at IS NULL ORDER BY p.dossier_id DESC LIMIT ?`,
    )
    .pluck()
    .all(match, limit) as number[];
}
