// Reuse of digitised papers (DOMAIN.md §5: a citizen never hands in the same paper twice).
// candidates: the earlier APPROVED digitised documents of a citizen (by ID number): the
// components of their earlier dossiers and the results those dossiers produced ("Kết quả
// của hồ sơ …"). attach: new page rows in the new dossier's component pointing at the SAME
// content hashes (no copy of any file), with the source page's text, review state and
// document data, the component state set to 2 (tái sử dụng) or 3 (tái sử dụng từ kết quả
// hồ sơ khác) with the source dossier code, and a 'reused' event in the dossier's timeline.
import { scheduleIdleMaintenance } from '../db/database';
import { AppError } from '../errors';
import type { PageInfo, ReuseCandidate } from '../../../shared/ipc/pages';
import { pageRow, requireDossier, setComponentState, toPageInfo, type PagesContext } from './index';
import { copyDocumentData, documentTarget } from './review';
import { indexPageText } from './search';
import { attachPages, type NewPage } from './attachEvents';
import { PAGE_MESSAGES as M } from './messages';

const MAX_CANDIDATES = 50;

/** A citizen's earlier digitised papers (exported for the query-plan test: it must use dossiers_id_number). */
export const REUSE_CANDIDATES_SQL = `SELECT d.id AS dossierId, d.code AS dossierCode, d.procedure_code AS procedureCode, d.procedure_name AS procedureName,
     p.component_id AS componentId, coalesce(c.name, r.name) AS componentName,
     CASE WHEN r.result_id IS NULL THEN 'component' ELSE 'result' END AS kind,
     min(p.digitised_at) AS digitisedAt, count(*) AS pageCount
   FROM dossiers d
   JOIN pages p ON p.dossier_id = d.id AND p.deleted_at IS NULL AND p.reused_from_page_id IS NULL
   LEFT JOIN dossier_components c ON c.dossier_id = d.id AND c.component_id = p.component_id
   LEFT JOIN dossier_results r ON r.dossier_id = d.id AND r.result_id = p.component_id
   WHERE d.id_number = ? AND d.id <> ? AND (c.component_id IS NOT NULL OR r.result_id IS NOT NULL)
   GROUP BY d.id, p.component_id
   HAVING min(p.review_state) = 1 AND max(p.review_state) = 1
   ORDER BY d.id DESC, r.result_id IS NULL, min(coalesce(c.position, 0)), p.component_id
   LIMIT ?`;

export function reuseCandidates(ctx: PagesContext, idNumber: string, excludeDossierId?: string): ReuseCandidate[] {
  // A document is offered when every one of its own (not reused) live pages is approved.
  const rows = ctx.db.prepare(REUSE_CANDIDATES_SQL).all(idNumber, excludeDossierId ? Number(excludeDossierId) : 0, MAX_CANDIDATES) as (Omit<ReuseCandidate, 'dossierId' | 'thumbnails'> & {
    dossierId: number;
  })[];
  const thumbs = ctx.db.prepare(`SELECT thumb FROM pages WHERE dossier_id = ? AND component_id = ? AND deleted_at IS NULL ORDER BY position LIMIT 3`);
  return rows.map((r) => ({
    ...r,
    dossierId: String(r.dossierId),
    thumbnails: (thumbs.pluck().all(r.dossierId, r.componentId) as string[])
      .map((h) => {
        try {
          return ctx.store.read(h, 'image/jpeg').toString('base64');
        } catch {
          return '';
        }
      })
      .filter(Boolean),
  }));
}

export function attachReused(ctx: PagesContext, input: { dossierId: string; componentId: string; sourceDossierId: string; sourceComponentId: string; actor: string }): PageInfo[] {
  const target = requireDossier(ctx.db, input.dossierId);
  const component = documentTarget(ctx.db, target.id, input.componentId);
  if (component?.kind !== 'component') throw new AppError('not_found', M.componentNotFound(input.componentId));
  const source = requireDossier(ctx.db, input.sourceDossierId);
  if (source.id === target.id) throw new AppError('invalid', M.reuseSameDossier);
  if (source.idNumber !== target.idNumber) throw new AppError('conflict', M.reuseOtherCitizen);
  const sourceDoc = documentTarget(ctx.db, source.id, input.sourceComponentId);
  if (!sourceDoc) throw new AppError('not_found', M.reuseNothing);
  const fromResult = sourceDoc.kind === 'result';
  const now = ctx.now();
  const ids = ctx.db
    .transaction(() => {
      const pages = ctx.db.prepare(`SELECT * FROM pages WHERE dossier_id = ? AND component_id = ? AND deleted_at IS NULL ORDER BY position, id`).all(source.id, input.sourceComponentId) as Record<
        string,
        unknown
      >[];
      if (!pages.length) throw new AppError('not_found', M.reuseNothing);
      if (pages.some((p) => p.review_state !== 1)) throw new AppError('conflict', M.reuseNotApproved);
      const already = new Set(
        ctx.db
          .prepare('SELECT reused_from_page_id FROM pages WHERE dossier_id = ? AND component_id = ? AND deleted_at IS NULL AND reused_from_page_id IS NOT NULL')
          .pluck()
          .all(target.id, input.componentId) as number[],
      );
      let pos =
        (ctx.db.prepare('SELECT coalesce(max(position), 0) FROM pages WHERE dossier_id = ? AND component_id = ? AND deleted_at IS NULL').pluck().get(target.id, input.componentId) as number) + 1;
      const insert = ctx.db.prepare(
        `INSERT INTO pages (dossier_id, component_id, position, sha256, mime, byte_size, width, height, dpi, source, file_name,
           rotation, auto_rotation, skew_deg, compact_sha256, compact_size, thumb, created_at, digitised_by, digitised_at, review_state, reused_from_page_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'reuse', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const copyText = ctx.db.prepare(
        `INSERT INTO page_text (page_id, source, text, confidence, words, corrected_text, corrected_by, corrected_at, recognised_at)
         SELECT ?, source, text, confidence, words, corrected_text, corrected_by, corrected_at, recognised_at FROM page_text WHERE page_id = ?`,
      );
      // The page chain always points at the first digitisation.
      const originOf = (p: Record<string, unknown>) => (p.reused_from_page_id as number | null) ?? (p.id as number);
      const todo = pages.filter((p) => !already.has(originOf(p)));
      if (!todo.length) return [];
      setComponentState(ctx.db, target.id, input.componentId, fromResult ? 3 : 2, now, source.code);
      const out: number[] = [];
      const attached: NewPage[] = [];
      for (const p of todo) {
        const origin = originOf(p);
        const id = Number(
          insert.run(
            target.id,
            input.componentId,
            pos++,
            p.sha256,
            p.mime,
            p.byte_size,
            p.width,
            p.height,
            p.dpi,
            p.file_name,
            p.rotation,
            p.auto_rotation,
            p.skew_deg,
            p.compact_sha256,
            p.compact_size,
            p.thumb,
            now,
            p.digitised_by,
            p.digitised_at,
            p.review_state,
            origin,
          ).lastInsertRowid,
        );
        copyText.run(id, p.id);
        indexPageText(ctx.db, id);
        out.push(id);
        attached.push({
          id,
          componentId: input.componentId,
          position: pos - 1,
          compactSha256: p.compact_sha256 as string,
          compactSize: p.compact_size as number,
          createdAt: now,
          actor: input.actor,
          reuse: fromResult ? 3 : 2,
        });
      }
      attachPages(ctx.db, ctx.projector, target.id, attached);
      copyDocumentData(ctx.db, { dossierId: source.id, componentId: input.sourceComponentId }, { dossierId: target.id, componentId: input.componentId }, now);
      const note = fromResult
        ? `Tái sử dụng kết quả của hồ sơ ${source.code} ("${sourceDoc.name}", ${out.length} trang) cho "${component.name}"`
        : `Tái sử dụng ${out.length} trang "${component.name}" đã số hoá từ hồ sơ ${source.code}`;
      ctx.projector.repo.addActivity(target.id, 'reused', input.actor, now, note);
      return out;
    })
    .immediate();
  scheduleIdleMaintenance(ctx.db);
  return ids.map((id) => toPageInfo(pageRow(ctx.db, id)));
}
