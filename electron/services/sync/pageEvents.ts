// The link between a page row (electron/services/pages) and the dossier.file_attached event
// the SQLite trigger pages_sync_outbox wrote when the row was inserted (migrations 3 and 5):
// the event has at = created_at and body {sha256: compact_sha256, componentId: component_id,
// page: position at insertion}. No column holds the link, so a page is matched to its event by
// (dossier, component, compact copy, created_at); rows alike in all four (the same image twice
// in one import) are paired in insertion order, since each row's trigger writes its event
// before the next row is inserted. This holds because neither page rows nor outbox rows are
// ever deleted. Pages inserted before sync existed (migration 3) have no event: null. Pages of
// other PCs (source 'sync') hold their event in remote_event_id and are never matched here.
import type { Db } from '../db/database';
import type { FileAttachedBody } from '../../../shared/sync/protocol';

export interface PageKey {
  id: number;
  dossierId: number;
  componentId: string;
  compactSha256: string;
  createdAt: number;
}

export interface AttachEvent {
  eventId: string;
  stream: string;
  body: FileAttachedBody;
}

/** The pages and the attach events alike in the four matching fields, each list in insertion order. */
function alike(db: Db, k: Omit<PageKey, 'id'>): { pageIds: number[]; events: AttachEvent[] } {
  const pageIds = db
    .prepare("SELECT id FROM pages WHERE dossier_id = ? AND component_id = ? AND compact_sha256 = ? AND created_at = ? AND source <> 'sync' ORDER BY id")
    .pluck()
    .all(k.dossierId, k.componentId, k.compactSha256, k.createdAt) as number[];
  const rows = db
    .prepare(
      `SELECT o.event_id AS eventId, o.stream, o.body FROM outbox o JOIN dossiers d ON d.uid = o.stream
       WHERE d.id = ? AND o.type = 'dossier.file_attached' AND o.at = ?
         AND json_extract(o.body, '$.componentId') = ? AND json_extract(o.body, '$.sha256') = ?
       ORDER BY o.id`,
    )
    .all(k.dossierId, k.createdAt, k.componentId, k.compactSha256) as { eventId: string; stream: string; body: string }[];
  return { pageIds, events: rows.map((r) => ({ ...r, body: JSON.parse(r.body) as FileAttachedBody })) };
}

/** The dossier.file_attached event this device sent for a page, or null (a page from before sync). */
export function attachEventOfPage(db: Db, page: PageKey): AttachEvent | null {
  const { pageIds, events } = alike(db, page);
  return events[pageIds.indexOf(page.id)] ?? null;
}

/** The page (not deleted) one of this device's own dossier.file_attached events was written for, or null. */
export function pageOfAttachEvent(db: Db, eventId: string): { id: number; dossierId: number; componentId: string } | null {
  const e = db
    .prepare(
      `SELECT d.id AS dossierId, o.at AS createdAt, json_extract(o.body, '$.componentId') AS componentId,
              json_extract(o.body, '$.sha256') AS compactSha256
       FROM outbox o JOIN dossiers d ON d.uid = o.stream WHERE o.event_id = ? AND o.type = 'dossier.file_attached'`,
    )
    .get(eventId.toLowerCase()) as Omit<PageKey, 'id'> | undefined;
  if (!e) return null;
  const { pageIds, events } = alike(db, e);
  const pageId = pageIds[events.findIndex((x) => x.eventId === eventId.toLowerCase())];
  if (pageId === undefined) return null;
  const live = db.prepare('SELECT 1 FROM pages WHERE id = ? AND deleted_at IS NULL').get(pageId);
  return live ? { id: pageId, dossierId: e.dossierId, componentId: e.componentId } : null;
}
