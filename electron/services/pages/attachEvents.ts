// The dossier.file_attached event of each page of this PC, written in code like every other
// change (through the dossier projector, in the transaction that inserts the page rows), and
// the link kept on the row: pages.event_id. A page goes to the hub with its COMPACT copy
// (PNG made by pages/inputs.ts), queued for upload in sync_files. Pages inserted before sync
// existed (migration 3) have no event (event_id NULL). Pages of other PCs (source 'sync')
// hold the other PC's event id.
import type { Db } from '../db/database';
import type { FileAttachedBody } from '../../../shared/sync/protocol';
import type { DossierProjector } from '../dossier/projector';

export interface AttachEvent {
  eventId: string;
  stream: string;
  body: FileAttachedBody;
}

/** The rows just inserted, to be attached: ids with the facts their event carries. */
export interface NewPage {
  id: number;
  componentId: string;
  position: number;
  compactSha256: string;
  compactSize: number;
  createdAt: number;
  actor: string;
  /** On a reused page: the component's digitisation state (2 or 3). */
  reuse?: 2 | 3;
}

/**
 * Emits one dossier.file_attached per new page of one dossier, projects the dossier, keeps
 * each event's id on its row and queues the compact copies for upload. Inside the transaction
 * that inserted the rows.
 */
export function attachPages(db: Db, projector: DossierProjector, dossierId: number, pages: readonly NewPage[]): void {
  if (!pages.length) return;
  const stream = db.prepare('SELECT uid FROM dossiers WHERE id = ?').pluck().get(dossierId) as string;
  const resultName = db.prepare('SELECT substr(name, 1, 500) FROM dossier_results WHERE dossier_id = ? AND result_id = ?').pluck();
  const events = pages.map((p) => {
    const name = resultName.get(dossierId, p.componentId) as string | undefined;
    const body: FileAttachedBody = {
      sha256: p.compactSha256,
      size: p.compactSize,
      mime: 'image/png',
      componentId: p.componentId,
      page: p.position,
      ...(name !== undefined ? { resultName: name } : {}),
      ...(p.reuse !== undefined ? { reuse: p.reuse } : {}),
    };
    return { type: 'dossier.file_attached' as const, stream, at: p.createdAt, actor: p.actor.slice(0, 120), body };
  });
  const { eventIds } = projector.record(events);
  const link = db.prepare('UPDATE pages SET event_id = ? WHERE id = ?');
  const upload = db.prepare(`INSERT OR IGNORE INTO sync_files (sha256, size, mime, created_at) VALUES (?, ?, 'image/png', ?)`);
  pages.forEach((p, i) => {
    link.run(eventIds[i], p.id);
    upload.run(p.compactSha256, p.compactSize, p.createdAt);
  });
}

/** The dossier.file_attached event this device sent for a page, or null (a page from before sync, or another PC's). */
export function attachEventOfPage(db: Db, page: { id: number }): AttachEvent | null {
  const row = db
    .prepare(
      `SELECT o.event_id AS eventId, o.stream, o.body FROM pages p JOIN outbox o ON o.event_id = p.event_id
       WHERE p.id = ? AND p.source <> 'sync' AND o.type = 'dossier.file_attached'`,
    )
    .get(page.id) as { eventId: string; stream: string; body: string } | undefined;
  return row ? { ...row, body: JSON.parse(row.body) as FileAttachedBody } : null;
}

/** The page (not deleted) one of this device's own dossier.file_attached events was written for, or null. */
export function pageOfAttachEvent(db: Db, eventId: string): { id: number; dossierId: number; componentId: string } | null {
  const row = db
    .prepare(
      `SELECT id, dossier_id AS dossierId, component_id AS componentId FROM pages
       WHERE event_id = ? AND source <> 'sync' AND deleted_at IS NULL`,
    )
    .get(eventId.toLowerCase()) as { id: number; dossierId: number; componentId: string } | undefined;
  return row ?? null;
}
