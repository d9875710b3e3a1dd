// Review of digitised documents (TrangThaiSoHoa), their document data, and the result papers
// of dossiers (LoaiSoHoa 1). DOMAIN.md §5.
//
// A digitised document = the live pages of one component or one result of a dossier. Its
// review state is kept on its pages (pages.review_state: 0 chờ duyệt, 1 đã duyệt, 2 không
// duyệt), so a page added after the review makes the document pending again, and a reused
// page carries its state. The document data and the last review (who, when, why not) are in
// digitised_documents (migration 5).
//
// Results: a dossier that is done or returned (9/10) gets result papers (dossier_results,
// ids 'KQ1', 'KQ2', …). A result is a page target like a component (requireComponent accepts
// it), so pages.add, the scanner, the scan folder and the camera all capture into it.
import type { Db } from '../db/database';
import { AppError } from '../errors';
import { foldForSearch, nfc } from '../../../shared/domain/text';
import { isoDateOf, parseIsoDate, vnIsoDate } from '../../../shared/domain/vnTime';
import type { DocumentData, DocumentKind, DocumentRef, DocumentReview, DossierResult, ReviewState } from '../../../shared/ipc/pages';
import { documentReviewState } from '../../../shared/ipc/pages';
import { listPages, requireDossier, type PagesContext } from './index';
import { PAGE_MESSAGES as M } from './messages';

/** Statuses after which the result can be digitised: 9 Đã xử lý xong, 10 Đã trả kết quả. */
export const RESULT_STATUSES: readonly number[] = [9, 10];

/** What the page target of a dossier is: one of its components or one of its results. */
export function documentTarget(db: Db, dossierId: number, componentId: string): { name: string; kind: DocumentKind } | null {
  const row = db
    .prepare(
      `SELECT name, 'component' AS kind FROM dossier_components WHERE dossier_id = ? AND component_id = ?
       UNION ALL SELECT name, 'result' FROM dossier_results WHERE dossier_id = ? AND result_id = ? LIMIT 1`,
    )
    .get(dossierId, componentId, dossierId, componentId) as { name: string; kind: DocumentKind } | undefined;
  return row ?? null;
}

function requireTarget(db: Db, dossierId: number, componentId: string): { name: string; kind: DocumentKind } {
  const t = documentTarget(db, dossierId, componentId);
  if (!t) throw new AppError('not_found', M.componentNotFound(componentId));
  return t;
}

// ---------- results ----------

export function listResults(ctx: PagesContext, dossierId: string): DossierResult[] {
  const d = requireDossier(ctx.db, dossierId);
  const rows = ctx.db
    .prepare(
      `SELECT r.result_id AS resultId, r.name, r.created_by AS createdBy, r.created_at AS createdAt, count(p.id) AS pageCount,
         sum(p.review_state = 0) AS pending, sum(p.review_state = 2) AS rejected
       FROM dossier_results r
       LEFT JOIN pages p ON p.dossier_id = r.dossier_id AND p.component_id = r.result_id AND p.deleted_at IS NULL
       WHERE r.dossier_id = ? GROUP BY r.result_id ORDER BY r.created_at, r.result_id`,
    )
    .all(d.id) as (Omit<DossierResult, 'reviewState'> & { pending: number | null; rejected: number | null })[];
  return rows.map(({ pending, rejected, ...r }) => ({
    ...r,
    reviewState: r.pageCount === 0 ? null : pending ? 0 : rejected ? 2 : 1,
  }));
}

/** A result paper of a done/returned dossier; its id never equals one of the dossier's component ids. */
export function addResult(ctx: PagesContext, input: { dossierId: string; name: string; actor: string }): DossierResult[] {
  const d = requireDossier(ctx.db, input.dossierId);
  ctx.db
    .transaction(() => {
      const status = ctx.db.prepare('SELECT status FROM dossiers WHERE id = ?').pluck().get(d.id) as number;
      if (!RESULT_STATUSES.includes(status)) throw new AppError('conflict', M.resultNotDone);
      const names = ctx.db.prepare('SELECT name FROM dossier_results WHERE dossier_id = ?').pluck().all(d.id) as string[];
      if (names.some((n) => foldForSearch(n) === foldForSearch(input.name))) throw new AppError('conflict', M.resultExists(input.name));
      const taken = new Set(
        ctx.db.prepare('SELECT component_id FROM dossier_components WHERE dossier_id = ? UNION SELECT result_id FROM dossier_results WHERE dossier_id = ?').pluck().all(d.id, d.id) as string[],
      );
      let n = names.length + 1;
      while (taken.has(`KQ${n}`)) n++;
      ctx.db.prepare('INSERT INTO dossier_results (dossier_id, result_id, name, created_by, created_at) VALUES (?, ?, ?, ?, ?)').run(d.id, `KQ${n}`, input.name, input.actor, ctx.now());
    })
    .immediate();
  return listResults(ctx, input.dossierId);
}

// ---------- review ----------

type RefRow = Omit<DocumentRef, 'dossierId'> & { dossierId: number };

/** The unit-wide "Chờ duyệt" list: documents with a page not yet reviewed, oldest digitisation first. */
export function pendingDocuments(ctx: PagesContext, limit: number): DocumentRef[] {
  // min() makes SQLite take digitised_by from the row of the earliest page.
  const rows = ctx.db
    .prepare(
      `SELECT x.dossier_id AS dossierId, x.component_id AS componentId, x.digitisedAt, x.digitisedBy,
         d.code AS dossierCode, d.applicant_name AS applicantName, d.procedure_name AS procedureName,
         coalesce(c.name, r.name, x.component_id) AS name, CASE WHEN r.result_id IS NULL THEN 'component' ELSE 'result' END AS kind,
         (SELECT count(*) FROM pages q WHERE q.dossier_id = x.dossier_id AND q.component_id = x.component_id AND q.deleted_at IS NULL) AS pageCount,
         (SELECT count(*) FROM pages q JOIN page_text t ON t.page_id = q.id
          WHERE q.dossier_id = x.dossier_id AND q.component_id = x.component_id AND q.deleted_at IS NULL
            AND t.unreadable IS NOT NULL AND t.corrected_text IS NULL) AS unreadablePages
       FROM (SELECT dossier_id, component_id, min(digitised_at) AS digitisedAt, digitised_by AS digitisedBy
             FROM pages WHERE review_state = 0 AND deleted_at IS NULL GROUP BY dossier_id, component_id) x
       JOIN dossiers d ON d.id = x.dossier_id
       LEFT JOIN dossier_components c ON c.dossier_id = x.dossier_id AND c.component_id = x.component_id
       LEFT JOIN dossier_results r ON r.dossier_id = x.dossier_id AND r.result_id = x.component_id
       ORDER BY x.digitisedAt, x.dossier_id, x.component_id LIMIT ?`,
    )
    .all(limit) as RefRow[];
  return rows.map((r) => ({ ...r, dossierId: String(r.dossierId) }));
}

const EMPTY_DATA: DocumentData = { soKyHieu: '', ngayBanHanh: '', coQuanBanHanh: '', nguoiKy: '', trichYeu: '', hieuLucDen: '', vinhVien: false };

interface DocumentRow extends Omit<DocumentData, 'vinhVien'> {
  vinhVien: number;
  reason: string;
  reviewedBy: string | null;
  reviewedAt: number | null;
}

export function getReview(ctx: PagesContext, dossierId: string, componentId: string): DocumentReview {
  const d = requireDossier(ctx.db, dossierId);
  const target = requireTarget(ctx.db, d.id, componentId);
  const pages = listPages(ctx, dossierId, componentId).pages;
  const textOf = ctx.db.prepare('SELECT coalesce(corrected_text, text) FROM page_text WHERE page_id = ?').pluck();
  const withText = pages.map((page) => ({ page, text: (textOf.get(Number(page.id)) as string | undefined) ?? '' }));
  const head = ctx.db.prepare('SELECT code, applicant_name AS applicantName, procedure_name AS procedureName FROM dossiers WHERE id = ?').get(d.id) as {
    code: string;
    applicantName: string;
    procedureName: string;
  };
  const row = ctx.db
    .prepare(
      `SELECT so_ky_hieu AS soKyHieu, ngay_ban_hanh AS ngayBanHanh, co_quan_ban_hanh AS coQuanBanHanh, nguoi_ky AS nguoiKy,
         trich_yeu AS trichYeu, hieu_luc_den AS hieuLucDen, vinh_vien AS vinhVien, review_reason AS reason,
         reviewed_by AS reviewedBy, reviewed_at AS reviewedAt
       FROM digitised_documents WHERE dossier_id = ? AND component_id = ?`,
    )
    .get(d.id, componentId) as DocumentRow | undefined;
  const state: ReviewState = documentReviewState(pages) ?? 0;
  const data: DocumentData = row ? rowData(row) : { ...EMPTY_DATA };
  // Suggestions from the OCR text, while the document waits for review and the field is empty.
  const suggested: DocumentReview['suggested'] = [];
  if (state === 0) {
    // An unreadable page's text (kept, shown) is no evidence for the document's data.
    const all = withText
      .filter((p) => p.page.unreadable === null)
      .map((p) => p.text)
      .join('\n');
    const so = data.soKyHieu ? null : findSoKyHieu(all);
    const date = data.ngayBanHanh ? null : findNgayBanHanh(all, vnIsoDate(ctx.now()));
    if (so) {
      data.soKyHieu = so;
      suggested.push('soKyHieu');
    }
    if (date) {
      data.ngayBanHanh = date;
      suggested.push('ngayBanHanh');
    }
  }
  const first = pages[0];
  return {
    dossierId: String(d.id),
    dossierCode: head.code,
    applicantName: head.applicantName,
    procedureName: head.procedureName,
    componentId,
    name: target.name,
    kind: target.kind,
    pageCount: pages.length,
    unreadablePages: pages.filter((p) => p.unreadable !== null).length,
    digitisedAt: first?.digitisedAt ?? 0,
    digitisedBy: first?.digitisedBy ?? '',
    state,
    reason: row?.reason ?? '',
    reviewedBy: row?.reviewedBy ?? null,
    reviewedAt: row?.reviewedAt ?? null,
    data,
    suggested,
    pages: withText,
  };
}

function rowData(r: DocumentRow): DocumentData {
  return {
    soKyHieu: r.soKyHieu,
    ngayBanHanh: r.ngayBanHanh,
    coQuanBanHanh: r.coQuanBanHanh,
    nguoiKy: r.nguoiKy,
    trichYeu: r.trichYeu,
    hieuLucDen: r.hieuLucDen,
    vinhVien: r.vinhVien === 1,
  };
}

/**
 * Saves the document data and, with a decision, marks every live page of the document
 * approved (1) or not approved (2, with the reason). One transaction; input was validated
 * by the contract (dates real, lengths bounded, NFC). A decision on a dossier known to sync
 * is written to the outbox in that transaction (dossier.document_reviewed), so the unit's
 * other PCs and the hub learn it.
 */
export function saveReview(
  ctx: PagesContext,
  input: { dossierId: string; componentId: string; decision?: 'approve' | 'reject'; reason: string; data: DocumentData; actor: string },
): DocumentReview {
  const d = requireDossier(ctx.db, input.dossierId);
  requireTarget(ctx.db, d.id, input.componentId);
  const now = ctx.now();
  const state: 1 | 2 | undefined = input.decision ? (input.decision === 'approve' ? 1 : 2) : undefined;
  const reason = state === 2 ? input.reason : '';
  ctx.db
    .transaction(() => {
      const pages = ctx.db.prepare('SELECT count(*) FROM pages WHERE dossier_id = ? AND component_id = ? AND deleted_at IS NULL').pluck().get(d.id, input.componentId) as number;
      if (state && pages === 0) throw new AppError('conflict', M.reviewNoPages);
      storeReview(ctx.db, { dossierId: d.id, componentId: input.componentId, state, reason, data: input.data, actor: input.actor, at: now });
      const stream = state ? syncedStream(ctx.db, d.id) : null;
      if (state && stream) {
        const body = { componentId: input.componentId, state, reason, data: input.data, reviewedBy: input.actor.slice(0, 120) };
        ctx.projector.record([{ type: 'dossier.document_reviewed', stream, at: now, actor: input.actor, body }]);
      }
    })
    .immediate();
  return getReview(ctx, input.dossierId, input.componentId);
}

/**
 * The review storage (call inside a transaction): the document data and, with a decision,
 * the state of the document's live pages and the last review (who, when, why not).
 * `pagesUpTo`: only pages digitised by then (a decision pulled from another PC covers the
 * pages it saw, not one added here or there afterwards).
 */
export function storeReview(db: Db, r: { dossierId: number; componentId: string; state?: 1 | 2; reason: string; data: DocumentData; actor: string; at: number; pagesUpTo?: number }): void {
  const x = r.data;
  db.prepare(
    `INSERT INTO digitised_documents (dossier_id, component_id, so_ky_hieu, ngay_ban_hanh, co_quan_ban_hanh, nguoi_ky, trich_yeu,
       hieu_luc_den, vinh_vien, updated_by, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (dossier_id, component_id) DO UPDATE SET so_ky_hieu = excluded.so_ky_hieu, ngay_ban_hanh = excluded.ngay_ban_hanh,
       co_quan_ban_hanh = excluded.co_quan_ban_hanh, nguoi_ky = excluded.nguoi_ky, trich_yeu = excluded.trich_yeu,
       hieu_luc_den = excluded.hieu_luc_den, vinh_vien = excluded.vinh_vien, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
  ).run(r.dossierId, r.componentId, x.soKyHieu, x.ngayBanHanh, x.coQuanBanHanh, x.nguoiKy, x.trichYeu, x.hieuLucDen, x.vinhVien ? 1 : 0, r.actor, r.at);
  if (!r.state) return;
  db.prepare('UPDATE pages SET review_state = ? WHERE dossier_id = ? AND component_id = ? AND deleted_at IS NULL AND digitised_at <= ?').run(
    r.state,
    r.dossierId,
    r.componentId,
    r.pagesUpTo ?? Number.MAX_SAFE_INTEGER,
  );
  db.prepare('UPDATE digitised_documents SET review_reason = ?, reviewed_by = ?, reviewed_at = ? WHERE dossier_id = ? AND component_id = ?').run(
    r.state === 2 ? r.reason : '',
    r.actor,
    r.at,
    r.dossierId,
    r.componentId,
  );
}

/** The dossier's sync stream once its receipt is in the log (sent or pulled), else null: a dossier from before sync stays local. */
function syncedStream(db: Db, dossierId: number): string | null {
  return (
    (db
      .prepare(
        `SELECT d.uid FROM dossiers d WHERE d.id = ? AND (
           EXISTS (SELECT 1 FROM outbox o WHERE o.stream = d.uid AND o.type = 'dossier.received')
           OR EXISTS (SELECT 1 FROM sync_remote_events r WHERE r.stream = d.uid AND r.type = 'dossier.received'))`,
      )
      .pluck()
      .get(dossierId) as string | undefined) ?? null
  );
}

/** Copies the document data and last review of a reused document (same paper) unless the target has its own. */
export function copyDocumentData(db: Db, from: { dossierId: number; componentId: string }, to: { dossierId: number; componentId: string }, now: number): void {
  db.prepare(
    `INSERT OR IGNORE INTO digitised_documents (dossier_id, component_id, so_ky_hieu, ngay_ban_hanh, co_quan_ban_hanh, nguoi_ky, trich_yeu,
       hieu_luc_den, vinh_vien, review_reason, reviewed_by, reviewed_at, updated_by, updated_at)
     SELECT ?, ?, so_ky_hieu, ngay_ban_hanh, co_quan_ban_hanh, nguoi_ky, trich_yeu, hieu_luc_den, vinh_vien, review_reason, reviewed_by,
       reviewed_at, updated_by, ?
     FROM digitised_documents WHERE dossier_id = ? AND component_id = ?`,
  ).run(to.dossierId, to.componentId, now, from.dossierId, from.componentId);
}

// ---------- suggestions from the OCR text ----------
// Generic patterns of Vietnamese administrative papers (ND 30/2020 layout): the number and
// symbol on a line "Số: 123/2023/QĐ-UBND", and the place-and-date line "Hà Nội, ngày 05
// tháng 4 năm 2023". Mentions of other papers in the body ("… số 45/QĐ-TTg ngày …") are
// written with a lower-case "số" and without the place's comma, so they rank lower.

const NUMBER_SYMBOL = String.raw`(\d{1,7}(?:\s*\/\s*[\p{L}\d][\p{L}\d.\-]*)+)`;
const SO_WITH_COLON = new RegExp(String.raw`(?:^|[^\p{L}])(?:Số|SỐ)\s*[:;.]\s*` + NUMBER_SYMBOL, 'mu');
const SO_AT_LINE_START = new RegExp(String.raw`^[ \t]*(?:Số|SỐ)[ \t]+` + NUMBER_SYMBOL, 'mu');

/** SoKyHieu from the text ("Số: 123/2023/QĐ-UBND" → "123/2023/QĐ-UBND"), or null. */
export function findSoKyHieu(text: string): string | null {
  const t = nfc(text);
  const m = SO_WITH_COLON.exec(t) ?? SO_AT_LINE_START.exec(t);
  if (!m) return null;
  return (
    m[1]
      .replace(/\s+/g, '')
      .replace(/[.\-]+$/, '')
      .slice(0, 50) || null
  );
}

/**
 * NgayBanHanh (yyyy-mm-dd) from the text: "ngày 05 tháng 4 năm 2023" or "ngày 05/4/2023",
 * without regard to diacritics (OCR loses some). A date after a comma (the place-and-date
 * line) wins over the first date found; dates that do not exist or lie after `todayIso` are skipped.
 */
export function findNgayBanHanh(text: string, todayIso: string): string | null {
  const f = foldForSearch(text);
  const re = /(,\s*)?ngay\s*(\d{1,2})\s*(?:thang\s*(\d{1,2})\s*nam\s*(\d{4})|[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4}))/g;
  let first: string | null = null;
  for (const m of f.matchAll(re)) {
    const iso = isoDateOf(Number(m[4] ?? m[6]), Number(m[3] ?? m[5]), Number(m[2]));
    if (!parseIsoDate(iso) || iso > todayIso || iso < '1900-01-01') continue;
    if (m[1]) return iso;
    first ??= iso;
  }
  return first;
}
