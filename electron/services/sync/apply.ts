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
import type { PullItem, SyncEvent } from '../../../shared/sync/protocol';
import { deriveDossier, type Conflict, type DerivedDossier } from '../../../shared/sync/derive';
import { canTransition, eventTypeForTransition } from '../../../shared/domain/status';
import { validateCatalogue } from '../../../shared/data/catalogue/index';
import { DossierWriter, type DossierRow } from '../dossiers';
import type { ProcedureStore } from '../procedures';
import type { HolidayStore } from '../holidays';
import { OUTBOX_COLUMNS, toWireEvent, type OutboxRow, type WireIdentity } from './outbox';

export interface ApplyDeps {
  db: Db;
  now: () => number;
  procedures: ProcedureStore;
  holidays: HolidayStore;
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
 * dossier received at another counter, applies status moves, appends the new remote moves to
 * the timeline, stores the conflicts. `fresh` = remote event ids applied in this call.
 */
export function applyStream(deps: ApplyDeps, id: WireIdentity, stream: string, fresh: Set<string>, stats: ApplyStats): void {
  const { db } = deps;
  const events = streamEvents(db, stream, id);
  const { state, conflicts } = deriveDossier(events);
  if (!state) return; // moves of a dossier whose receipt has not arrived yet: applied when it does
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
    for (const h of state.history) {
      deps.writer.event(newId, timelineType(h.from, h.to), h.from, h.to, h.actor, h.at, h.note, seq++);
    }
    stats.dossiersAdded++;
    row = { id: newId, code: state.code, status: state.status };
  } else {
    // The new remote moves, in the timeline (a move not applied is marked as such).
    const moves = events
      .filter((e): e is Extract<SyncEvent, { type: 'dossier.status_changed' }> => e.type === 'dossier.status_changed' && fresh.has(e.eventId.toLowerCase()))
      .sort((a, b) => a.at - b.at);
    for (const m of moves) {
      const note = loser.has(m.eventId) ? `${m.body.note ? m.body.note + ' ' : ''}(máy khác; xung đột, chưa áp dụng)` : m.body.note || '(máy khác)';
      deps.writer.event(row.id, timelineType(m.body.from, m.body.to), m.body.from, m.body.to, m.actor, m.at, note);
    }
    db.prepare(
      `UPDATE dossiers SET status = ?, finished_at = ?, returned_at = ?, reason = CASE WHEN ? <> '' THEN ? ELSE reason END,
         updated_at = max(updated_at, ?) WHERE id = ?`,
    ).run(state.status, state.finishedAt, state.returnedAt, state.reason, state.reason, state.updatedAt, row.id);
  }
  saveConflicts(db, stream, conflicts, deps.now());
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
