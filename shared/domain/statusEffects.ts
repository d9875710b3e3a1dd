// What a status change does to a dossier (DOMAIN.md §1, §4), written once. Used by the
// derivation of a dossier from its event log (shared/sync/derive.ts), which runs on the
// device (through its one projector, electron/services/dossiers/projector.ts) and at the
// hub (server/hub.ts): the finished / returned times, the reason of a refusal, withdrawal or
// stop, and the appointment moved later by the working time a supplement request paused.
import type { WorkingCalendar } from './calendar/workingCalendar';
import { appointmentAfterPauses } from './calendar/workingCalendar';
import type { DossierStatus, EpochMs } from './types';

/** The facts of a dossier that a status change sets. */
export interface StatusFacts {
  status: DossierStatus;
  finishedAt: EpochMs | null;
  returnedAt: EpochMs | null;
  reason: string;
}

export interface StatusMove {
  from: DossierStatus;
  to: DossierStatus;
  at: EpochMs;
  note: string;
  /** The refusal (3), withdrawal (7) or stop (8) reason when given apart from the note. */
  reason?: string;
}

/** Statuses whose move records a reason: refused (Mẫu 03), withdrawn, stopped. */
export const REASON_STATUSES: readonly DossierStatus[] = [3, 7, 8];

/**
 * Applies one status move: 9 (Đã xử lý xong) sets the end of processing, 10 (Đã trả kết quả)
 * the return time, 3/7/8 the reason (the body's `reason`, else its note).
 */
export function applyStatusMove(d: StatusFacts, m: StatusMove): void {
  d.status = m.to;
  if (m.to === 9) d.finishedAt = m.at;
  if (m.to === 10) d.returnedAt = m.at;
  if (m.reason !== undefined) d.reason = m.reason;
  else if (REASON_STATUSES.includes(m.to)) d.reason = m.note;
}

/**
 * The appointment after each applied move, and at the end. A supplement request (→ 5)
 * pauses the clock; its answer (5 → 4) moves the appointment later by the paused working
 * time (DOMAIN.md §1), over the unit's calendar. Without a calendar (the hub, which does not
 * hold the unit's opening hours and holiday table) the appointment is not moved.
 */
export function appointmentsAlong(
  initial: EpochMs | null,
  moves: readonly { from: DossierStatus | null; to: DossierStatus | null; at: EpochMs }[],
  calendar: WorkingCalendar | null,
): { final: EpochMs | null; after: (EpochMs | null)[] } {
  if (!calendar) return { final: initial, after: moves.map(() => initial) };
  const after: (EpochMs | null)[] = [];
  for (let i = 0; i < moves.length; i++) after.push(appointmentAfterPauses(initial, moves.slice(0, i + 1), calendar));
  return { final: after.length ? (after[after.length - 1] ?? null) : initial, after };
}
