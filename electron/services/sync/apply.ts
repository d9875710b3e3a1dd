// Applying what the hub sends back (PROTOCOL.md §6) to the local database, and the local
// view of a dossier's merged log. Everything here runs inside the transaction that also
// stores the new pull cursor (engine.ts), so a page of pulled items is applied entirely or
// not at all, and a kill -9 mid-pull simply pulls that page again.
//
// A dossier's state is derived (shared/sync/derive.ts) from the UNION of this device's own
// events (the outbox) and the events of other devices / the province pulled so far
// (sync_remote_events). Both devices of a conflict therefore compute the same state once
// they hold the same events; the conflict is stored in sync_conflicts for a person to settle.
import type { Db } from '../db/database';
import type { PullItem, SyncEvent } from '../../../shared/sync/protocol';
import { validateCatalogue } from '../../../shared/data/catalogue/index';
import type { ProcedureStore } from '../procedures';
import type { HolidayStore } from '../holidays';
import type { DossierProjector } from '../dossier/projector';
import { markPageDeleted } from '../pages/index';
import { reconcilePulledPages } from '../pages/fromSync';
import { storeReview } from '../pages/review';
import { pageOfAttachEvent } from '../pages/attachEvents';
import { eventLog, type WireIdentity } from '../events/outbox';
import { storePulledSlip } from '../guidance';

export interface ApplyDeps {
  db: Db;
  now: () => number;
  procedures: ProcedureStore;
  holidays: HolidayStore;
  /** The one projector: a pulled event changes a dossier exactly as a local one does. */
  projector: DossierProjector;
}

export interface ApplyStats {
  events: number;
  dossiersAdded: number;
  updates: number;
  /** Items that could not be applied (Vietnamese), also recorded as the run's last error. */
  problems: string[];
}

/** The merged log of one stream: own events (outbox) + pulled ones. */
export function streamEvents(db: Db, stream: string, id: WireIdentity): SyncEvent[] {
  return eventLog(db, stream, id);
}

/** Applies one page of pulled items (call inside a transaction). */
export function applyPulledItems(deps: ApplyDeps, id: WireIdentity, items: PullItem[], stats: ApplyStats): void {
  const { db } = deps;
  const known = db.prepare('SELECT 1 FROM sync_remote_events WHERE event_id = ? UNION ALL SELECT 1 FROM outbox WHERE event_id = ?').pluck();
  const insert = db.prepare('INSERT INTO sync_remote_events (event_id, stream, type, device_id, at, event, cursor, applied_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const touched = new Map<string, Set<string>>();
  // The events stored here, as parsed objects: the projector does not parse them again.
  const parsed = new Map<string, SyncEvent>();
  for (const item of items) {
    if (item.kind === 'event') {
      const e = item.event;
      const eventId = e.eventId.toLowerCase();
      if (known.get(eventId, eventId)) continue; // already here (or our own, sent under an older enrolment)
      insert.run(eventId, e.dossierId, e.type, e.deviceId, e.at, JSON.stringify(e), item.cursor, deps.now());
      parsed.set(eventId, e);
      stats.events++;
      if (e.type.startsWith('dossier.')) {
        let s = touched.get(e.dossierId);
        if (!s) touched.set(e.dossierId, (s = new Set()));
        s.add(eventId);
      } else if (e.type === 'guidance.issued') {
        // Another counter's Mẫu 02: listed and reprintable here (guidance.ts).
        const problem = storePulledSlip(db, e);
        if (problem) stats.problems.push(problem);
      }
    } else if (item.kind === 'catalogue') {
      try {
        const c = validateCatalogue(item.payload);
        deps.procedures.importCatalogue(c);
        db.prepare('UPDATE sync_state SET catalogue_version = ? WHERE id = 1').run(item.version);
        stats.updates++;
      } catch (e) {
        stats.problems.push(`Bản cập nhật danh mục thủ tục ${item.version} của tỉnh không áp dụng được: ${(e as Error).message}`);
      }
    } else if (item.kind === 'holidays') {
      const list = Array.isArray(item.payload) ? item.payload : ((item.payload as { entries?: unknown } | null)?.entries ?? null);
      if (!Array.isArray(list)) {
        stats.problems.push(`Bản cập nhật ngày nghỉ ${item.version} của tỉnh không đúng dạng (cần danh sách {date, name, kind}).`);
        continue;
      }
      let ok = 0;
      for (const h of list as { date?: unknown; name?: unknown; kind?: unknown }[]) {
        if (typeof h?.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(h.date) || typeof h.name !== 'string' || (h.kind !== 'off' && h.kind !== 'work')) continue;
        deps.holidays.save({ date: h.date, name: h.name.slice(0, 200), kind: h.kind });
        ok++;
      }
      if (ok < list.length) stats.problems.push(`Bản cập nhật ngày nghỉ ${item.version}: ${list.length - ok} mục không hợp lệ đã bỏ qua.`);
      db.prepare('UPDATE sync_state SET holidays_version = ? WHERE id = 1').run(item.version);
      stats.updates++;
    }
  }
  for (const [stream, fresh] of touched) applyStream(deps, id, stream, fresh, stats, parsed);
}

/**
 * Projects one dossier from its merged log after a pull (the projector writes the row, search
 * entry, timeline and conflicts exactly as for a local change), then the effects a pull has on
 * this PC's other tables: this PC's pages withdrawn elsewhere deleted, a row for each page of
 * another PC (pages/fromSync.ts), the review decisions of other PCs (pages/review.ts).
 * `fresh` = remote event ids applied in this call.
 */
export function applyStream(deps: ApplyDeps, id: WireIdentity, stream: string, fresh: Set<string>, stats: ApplyStats, parsed?: ReadonlyMap<string, SyncEvent>): void {
  const { db } = deps;
  const p = deps.projector.project(stream, { now: deps.now(), ...(parsed ? { parsed } : {}) });
  if (!p) return; // moves of a dossier whose receipt has not arrived yet: applied when it does
  if ('clash' in p) {
    stats.problems.push(`Hồ sơ ${p.clash} của máy khác trùng mã với một hồ sơ trên máy này; chưa thêm được (báo quản trị hệ thống của tỉnh).`);
    return;
  }
  if (p.created) stats.dossiersAdded++;
  // Pages of this device withdrawn elsewhere (by the province, say): the local rows follow.
  for (const e of p.events) {
    if (e.type !== 'dossier.file_removed') continue;
    const page = pageOfAttachEvent(db, e.body.attachedEventId);
    if (page) markPageDeleted(db, page, deps.now());
  }
  // Pages attached at the unit's other PCs: a row each (its file fetched after the pull,
  // sync/download.ts), at the derived page; withdrawn ones deleted (pages/fromSync.ts).
  const actorOf = new Map(p.events.map((e) => [e.eventId.toLowerCase(), e.actor]));
  const pulledFiles = p.state.files.filter((f) => f.deviceId !== id.deviceId).map((f) => ({ ...f, actor: actorOf.get(f.eventId.toLowerCase()) ?? '' }));
  reconcilePulledPages(db, p.id, pulledFiles, deps.now());
  // Review decisions on its digitised papers made at another PC: the last one per paper, when
  // it arrived in this call, covering the pages digitised by then (pages/review.ts).
  for (const r of p.state.documents) {
    if (!fresh.has(r.eventId.toLowerCase())) continue;
    storeReview(db, { dossierId: p.id, componentId: r.componentId, state: r.state, reason: r.reason, data: r.data, actor: r.reviewedBy, at: r.at, pagesUpTo: r.at });
  }
}
