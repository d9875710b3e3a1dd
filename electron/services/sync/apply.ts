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
import type { DossierComponent, DossierEventType, DossierStatus } from '../../../shared/domain/types';
import type { PullItem, SyncEvent, SyncEventOf } from '../../../shared/sync/protocol';
import { describeFieldEdit } from '../../../shared/domain/dossierFields';
import { deriveDossier, type Conflict, type DerivedDossier } from '../../../shared/sync/derive';
import { canTransition, eventTypeForTransition } from '../../../shared/domain/status';
import { validateCatalogue } from '../../../shared/data/catalogue/index';
import { DossierWriter, unitCalendar, type DossierRow } from '../dossiers';
import type { ProcedureStore } from '../procedures';
import type { HolidayStore } from '../holidays';
import type { SettingsStore } from '../settings';
import { appointmentAfterPauses } from '../../../shared/domain/calendar/workingCalendar';
import { markPageDeleted } from '../pages/index';
import { reconcilePulledPages } from '../pages/fromSync';
import { storeReview } from '../pages/review';
import { pageOfAttachEvent } from './pageEvents';
import { OUTBOX_COLUMNS, toWireEvent, type OutboxRow, type WireIdentity } from './outbox';
import { storePulledSlip } from '../guidance';

export interface ApplyDeps {
  db: Db;
  now: () => number;
  procedures: ProcedureStore;
  holidays: HolidayStore;
  /** The unit's working hours: with the holidays, the calendar supplement pauses are counted in. */
  settings: SettingsStore;
  writer: DossierWriter;
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
  const own = (db.prepare(`SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE stream = ?`).all(stream) as OutboxRow[]).map((r) => toWireEvent(r, id));
  const remote = (db.prepare('SELECT event FROM sync_remote_events WHERE stream = ?').pluck().all(stream) as string[]).map((t) => JSON.parse(t) as SyncEvent);
  return [...own, ...remote];
}

function timelineType(from: DossierStatus, to: DossierStatus): DossierEventType {
  return canTransition(from, to) ? eventTypeForTransition(from, to) : 'edited';
}

/** Applies one page of pulled items (call inside a transaction). */
export function applyPulledItems(deps: ApplyDeps, id: WireIdentity, items: PullItem[], stats: ApplyStats): void {
  const { db } = deps;
  const known = db.prepare('SELECT 1 FROM sync_remote_events WHERE event_id = ? UNION ALL SELECT 1 FROM outbox WHERE event_id = ?').pluck();
  const insert = db.prepare(
    'INSERT INTO sync_remote_events (event_id, stream, type, device_id, at, event, cursor, applied_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const touched = new Map<string, Set<string>>();
  for (const item of items) {
    if (item.kind === 'event') {
      const e = item.event;
      const eventId = e.eventId.toLowerCase();
      if (known.get(eventId, eventId)) continue; // already here (or our own, sent under an older enrolment)
      insert.run(eventId, e.dossierId, e.type, e.deviceId, e.at, JSON.stringify(e), item.cursor, deps.now());
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
  for (const [stream, fresh] of touched) applyStream(deps, id, stream, fresh, stats);
}

interface LocalRow {
  id: number;
  code: string;
  status: DossierStatus;
}

/**
 * Re-derives one dossier from its merged log and brings the local row in line: inserts a
 * dossier received at another counter, applies status moves (and the supplement pauses they
 * make to the appointment), appends the new remote moves to the timeline, marks this PC's
 * pages withdrawn elsewhere deleted, keeps a row for each page of another PC (pages/fromSync.ts),
 * takes the review decisions of other PCs (pages/review.ts), stores the conflicts. `fresh` = remote event ids applied in this call.
 */
export function applyStream(deps: ApplyDeps, id: WireIdentity, stream: string, fresh: Set<string>, stats: ApplyStats): void {
  const { db } = deps;
  const events = streamEvents(db, stream, id);
  // Pages of this device withdrawn elsewhere (by the province, say): the local rows follow.
  for (const e of events) {
    if (e.type !== 'dossier.file_removed') continue;
    const page = pageOfAttachEvent(db, e.body.attachedEventId);
    if (page) markPageDeleted(db, page, deps.now());
  }
  const { state, conflicts } = deriveDossier(events);
  if (!state) return; // moves of a dossier whose receipt has not arrived yet: applied when it does
  // Supplement pauses move the appointment by the unit's calendar, which the pure derivation
  // does not know: the rule of a local 5 → 4, over the whole applied history, so the date does
  // not depend on how often or in which order the moves arrived.
  state.appointmentAt = appointmentAfterPauses(state.appointmentAt, state.history, unitCalendar(deps.settings, deps.holidays));
  let row = db.prepare('SELECT id, code, status FROM dossiers WHERE uid = ?').get(stream) as LocalRow | undefined;
  const loser = new Set(conflicts.filter((c) => !c.resolvedBy).map((c) => c.other.eventId));
  if (!row) {
    const clash = db.prepare('SELECT uid FROM dossiers WHERE code = ?').pluck().get(state.code) as string | undefined;
    if (clash) {
      stats.problems.push(`Hồ sơ ${state.code} của máy khác trùng mã với một hồ sơ trên máy này; chưa thêm được (báo quản trị hệ thống của tỉnh).`);
      return;
    }
    const newId = deps.writer.write(rowFromState(state), state.components as DossierComponent[], stream);
    const first = events.find((e) => e.type === 'dossier.received' && e.dossierId === stream && e.deviceId === state.receivedByDevice);
    let seq = 1;
    deps.writer.event(newId, 'received', null, first?.type === 'dossier.received' ? first.body.status : state.status, first?.actor ?? state.receivedBy, state.receivedAt, 'Tiếp nhận tại máy khác của đơn vị (đồng bộ từ tỉnh).', seq++);
    const entries: TimelineEntry[] = [
      ...state.history.map((h) => ({ at: h.at, type: timelineType(h.from, h.to), from: h.from, to: h.to, actor: h.actor, note: h.note })),
      ...fieldEdits(events).map((e) => editEntry(e, loser)),
    ].sort((a, b) => a.at - b.at);
    for (const t of entries) deps.writer.event(newId, t.type, t.from, t.to, t.actor, t.at, t.note, seq++);
    stats.dossiersAdded++;
    row = { id: newId, code: state.code, status: state.status };
  } else {
    // The new remote moves and field edits, in the timeline (one not applied is marked as such).
    const isFresh = (e: SyncEvent) => fresh.has(e.eventId.toLowerCase());
    const moves = events.filter((e): e is SyncEventOf<'dossier.status_changed'> => e.type === 'dossier.status_changed' && isFresh(e));
    const entries: TimelineEntry[] = [
      ...moves.map((m) => ({
        at: m.at,
        type: timelineType(m.body.from, m.body.to),
        from: m.body.from,
        to: m.body.to,
        actor: m.actor,
        note: loser.has(m.eventId) ? `${m.body.note ? m.body.note + ' ' : ''}(máy khác; xung đột, chưa áp dụng)` : m.body.note || '(máy khác)',
      })),
      ...fieldEdits(events).filter(isFresh).map((e) => editEntry(e, loser)),
    ].sort((a, b) => a.at - b.at);
    for (const t of entries) deps.writer.event(row.id, t.type, t.from, t.to, t.actor, t.at, t.note);
    db.prepare(
      `UPDATE dossiers SET status = ?, finished_at = ?, returned_at = ?, reason = CASE WHEN ? <> '' THEN ? ELSE reason END,
         updated_at = max(updated_at, ?) WHERE id = ?`,
    ).run(state.status, state.finishedAt, state.returnedAt, state.reason, state.reason, state.updatedAt, row.id);
    db.prepare('UPDATE dossiers SET appointment_at = ? WHERE id = ? AND appointment_at IS NOT ?').run(state.appointmentAt, row.id, state.appointmentAt);
    // Field edits (own and pulled): the edited fields take their derived value (and search entry).
    deps.writer.applyDerivedFields(row.id, state, new Set(fieldEdits(events).map((e) => e.body.path)));
  }
  // Pages attached at the unit's other PCs: a row each (its file fetched after the pull,
  // sync/download.ts), at the derived page; withdrawn ones deleted (pages/fromSync.ts).
  const actorOf = new Map(events.map((e) => [e.eventId.toLowerCase(), e.actor]));
  const pulledFiles = state.files.filter((f) => f.deviceId !== id.deviceId).map((f) => ({ ...f, actor: actorOf.get(f.eventId.toLowerCase()) ?? '' }));
  reconcilePulledPages(db, row.id, pulledFiles, deps.now());
  // Review decisions on its digitised papers made at another PC: the last one per paper, when
  // it arrived in this call, covering the pages digitised by then (pages/review.ts).
  for (const r of state.documents) {
    if (!fresh.has(r.eventId.toLowerCase())) continue;
    storeReview(db, { dossierId: row.id, componentId: r.componentId, state: r.state, reason: r.reason, data: r.data, actor: r.reviewedBy, at: r.at, pagesUpTo: r.at });
  }
  saveConflicts(db, stream, conflicts, deps.now());
}

interface TimelineEntry {
  at: number;
  type: DossierEventType;
  from: DossierStatus | null;
  to: DossierStatus | null;
  actor: string;
  note: string;
}

type FieldEdit = SyncEventOf<'dossier.field_edited'>;

/** In the order they were made (one device's edits of one instant: by its seq). */
function fieldEdits(events: SyncEvent[]): FieldEdit[] {
  return events.filter((e): e is FieldEdit => e.type === 'dossier.field_edited').sort((a, b) => a.at - b.at || a.seq - b.seq);
}

/** Another counter's correction in the timeline: 'Số điện thoại 0912… → 0987… (máy khác)'; a conflict's loser is marked. */
function editEntry(e: FieldEdit, loser: Set<string>): TimelineEntry {
  const where = loser.has(e.eventId) ? 'máy khác; xung đột, chưa áp dụng' : 'máy khác';
  return { at: e.at, type: 'edited', from: null, to: null, actor: e.actor, note: `${describeFieldEdit(e.body.path, e.body.previous, e.body.value)} (${where})` };
}

export function saveConflicts(db: Db, stream: string, conflicts: Conflict[], now: number): void {
  const up = db.prepare(
    `INSERT INTO sync_conflicts (id, stream, data, resolved_by, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET data = excluded.data, resolved_by = coalesce(excluded.resolved_by, sync_conflicts.resolved_by), updated_at = excluded.updated_at`,
  );
  for (const c of conflicts) up.run(c.id, stream, JSON.stringify(c), c.resolvedBy ?? null, now);
}

function rowFromState(s: DerivedDossier): Omit<DossierRow, 'id'> {
  return {
    code: s.code,
    unitCode: s.unitCode,
    procedureCode: s.procedureCode,
    procedureName: s.procedureName,
    fieldCode: s.fieldCode,
    fieldName: s.fieldName,
    applicantName: s.applicant.fullName,
    idNumber: s.applicant.idNumber,
    birthDate: s.applicant.birthDate,
    address: s.applicant.address,
    phone: s.applicant.phone,
    email: s.applicant.email,
    copies: s.copies,
    channel: s.channel,
    resultDelivery: s.resultDelivery,
    status: s.status,
    receivedAt: s.receivedAt,
    appointmentAt: s.appointmentAt,
    processingHours: s.processingHours,
    receivedBy: s.receivedBy,
    note: s.note,
    reason: s.reason,
    finishedAt: s.finishedAt,
    returnedAt: s.returnedAt,
    updatedAt: s.updatedAt,
    registerBook: s.registerBook,
    registerNo: s.registerNo,
  };
}
