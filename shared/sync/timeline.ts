// The timeline of a dossier (its "Lịch sử xử lý"), derived from its event log like its
// state (derive.ts): pure and deterministic, so the same events give the same lines in any
// arrival order, on every device. The device's projector writes these lines; nothing else
// does. Lines say what happened; which PC it happened at is shown when the line is read
// (deviceId is kept on the line), so the stored text does not depend on who applied it.
import { formatDateTime } from '../domain/vnTime';
import type { DossierEventType, DossierStatus, EpochMs } from '../domain/types';
import { canTransition, eventTypeForTransition } from '../domain/status';
import { describeFieldEdit } from '../domain/dossierFields';
import type { Conflict, DerivedDossier } from './derive';
import type { SyncEvent, SyncEventOf } from './protocol';

export interface TimelineLine {
  eventId: string;
  deviceId: string;
  type: DossierEventType;
  from: DossierStatus | null;
  to: DossierStatus | null;
  actor: string;
  at: EpochMs;
  note: string;
  /** 1 when the event lost a conflict and is not applied (shown as such). */
  conflict: 0 | 1;
}

const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
/** Time, then the order one PC made them in (seq), then the id: the same on every device. */
const byAtThenSeq = (a: SyncEvent, b: SyncEvent) => a.at - b.at || cmp(a.deviceId, b.deviceId) || a.seq - b.seq || cmp(a.eventId, b.eventId);

/**
 * The lines of a dossier's timeline: its receipt, each status move (applied, or not applied
 * because it lost a conflict), each field correction. A 5 → 4 that moved the appointment
 * says the new one. `appointmentAfter[i]` is the appointment after `state.history[i]`.
 */
export function timelineOf(
  events: readonly SyncEvent[],
  state: DerivedDossier,
  conflicts: readonly Conflict[],
  initialAppointment: EpochMs | null,
  appointmentAfter: readonly (EpochMs | null)[],
): TimelineLine[] {
  const losers = new Set(conflicts.filter((c) => !c.resolvedBy).map((c) => c.other.eventId));
  const unique = new Map<string, SyncEvent>();
  for (const e of events) if (!unique.has(e.eventId)) unique.set(e.eventId, e);
  const mine = [...unique.values()].filter((e) => e.dossierId === state.id && e.unitCode === state.unitCode).sort(byAtThenSeq);
  const first = mine.find((e): e is SyncEventOf<'dossier.received'> => e.type === 'dossier.received');
  const lines: TimelineLine[] = [];
  const refusedAtOnce = (e: SyncEvent | undefined) =>
    e?.type === 'dossier.status_changed' && first?.body.status === 1 && e.body.from === 1 && e.body.to === 3 && e.at === first.at && e.deviceId === first.deviceId;
  // A refusal at the counter (Mẫu 03) is recorded as a registration refused at once: one line.
  const firstMove = mine.find((e) => e.type === 'dossier.status_changed');
  if (first && !refusedAtOnce(firstMove)) {
    lines.push({
      eventId: first.eventId,
      deviceId: first.deviceId,
      type: 'received',
      from: null,
      to: first.body.status,
      actor: first.actor,
      at: first.body.receivedAt,
      note: '',
      conflict: 0,
    });
  }
  const applied = new Map(state.history.map((h, i) => [h.eventId, i]));
  const rest: TimelineLine[] = [];
  for (const e of mine) {
    if (e.type === 'dossier.status_changed') {
      const i = applied.get(e.eventId);
      const lost = losers.has(e.eventId);
      if (i === undefined && !lost) continue; // the same move made twice: shown once
      let note = e.body.note;
      if (i !== undefined) {
        const before = i === 0 ? initialAppointment : (appointmentAfter[i - 1] ?? null);
        const after = appointmentAfter[i] ?? null;
        if (after !== null && after !== before) note = note ? `${note} (hẹn trả mới: ${formatDateTime(after)})` : `Hẹn trả mới: ${formatDateTime(after)}`;
      }
      rest.push({
        eventId: e.eventId,
        deviceId: e.deviceId,
        type: canTransition(e.body.from, e.body.to) ? eventTypeForTransition(e.body.from, e.body.to) : 'edited',
        from: e.body.from,
        to: e.body.to,
        actor: e.actor,
        at: e.at,
        note,
        conflict: lost ? 1 : 0,
      });
    } else if (e.type === 'dossier.field_edited') {
      const note = describeFieldEdit(e.body.path, e.body.previous, e.body.value);
      const conflict: 0 | 1 = losers.has(e.eventId) ? 1 : 0;
      // The corrections saved together (one "Sửa thông tin") make one line.
      const last = rest[rest.length - 1];
      if (last && last.type === 'edited' && last.from === null && last.at === e.at && last.deviceId === e.deviceId && last.actor === e.actor && last.conflict === conflict) {
        last.note = `${last.note}; ${note}`;
        continue;
      }
      rest.push({
        eventId: e.eventId,
        deviceId: e.deviceId,
        type: 'edited',
        from: null,
        to: null,
        actor: e.actor,
        at: e.at,
        note,
        conflict,
      });
    }
  }
  return [...lines, ...rest];
}
