// Working days, working hours and the appointment date (ngày hẹn trả), DOMAIN.md §7.
// Model: the reference implementation TH CaculateTime.cs. A processing time is held in
// working hours, 8 h = 1 working day; a day has a morning and an afternoon session
// (default 07:00–11:30 = 4.5 h and 13:30–17:00 = 3.5 h). Deadlines run from receipt of
// a complete, valid dossier (DOMAIN.md §1).
import type { EpochMs, HolidayEntry, IsoDate, ProcessingTime, WorkingHours } from '../types';
import { formatDate, formatDateTime, parseIsoDate, vnIsoDate, vnParts, vnTime } from '../vnTime';
import { addDays, weekdayOf } from './holidays';

const HOUR_MS = 3_600_000;
const MIN_MS = 60_000;
/** A year has ~250 working days; more consecutive days off than this means a broken table. */
const MAX_DAYS_OFF = 370;

/** Working hours in one working day (DOMAIN.md §7: 8 h = 1 ngày làm việc). */
export const HOURS_PER_WORKING_DAY = 8;

/**
 * processingHours recorded for a same-day procedure ("trả trong ngày", 15:00 rule): 0,
 * meaning "within the working day"; Mẫu 01 prints it as 'Trong ngày làm việc', never as
 * a fraction of a day (the legal time is "ngay trong ngày", not a number of hours).
 */
export const SAME_DAY_PROCESSING_HOURS = 0;

function dayStartOfIso(iso: IsoDate): EpochMs {
  const p = parseIsoDate(iso);
  if (!p) throw new RangeError(`Ngày không hợp lệ: ${iso}`);
  return vnTime(p.year, p.month, p.day);
}

export class WorkingCalendar {
  private readonly tables = new Map<number, Map<IsoDate, HolidayEntry>>();

  constructor(
    readonly hours: WorkingHours,
    private readonly holidaysForYear: (year: number) => HolidayEntry[],
  ) {
    const h = hours;
    if (!(h.morningStart <= h.morningEnd && h.morningEnd <= h.afternoonStart && h.afternoonStart <= h.afternoonEnd)) {
      throw new RangeError('Giờ làm việc không hợp lệ: cần sáng bắt đầu ≤ sáng kết thúc ≤ chiều bắt đầu ≤ chiều kết thúc.');
    }
  }

  /**
   * The table entries dated in `year`. Rule tables may list a compensation day early in
   * the next year, so the previous year's list is read too; the year's own list wins.
   */
  private table(year: number): Map<IsoDate, HolidayEntry> {
    let t = this.tables.get(year);
    if (!t) {
      t = new Map();
      const prefix = `${year}-`;
      for (const e of this.holidaysForYear(year - 1)) if (e.date.startsWith(prefix)) t.set(e.date, e);
      for (const e of this.holidaysForYear(year)) if (e.date.startsWith(prefix)) t.set(e.date, e);
      this.tables.set(year, t);
    }
    return t;
  }

  /** The holiday-table entry of a date, if any. */
  entryOf(iso: IsoDate): HolidayEntry | undefined {
    return this.table(Number(iso.slice(0, 4))).get(iso);
  }

  /** Saturdays and Sundays are off unless the table makes them 'work'; table 'off' days are off. */
  isWorkingDay(iso: IsoDate): boolean {
    const e = this.entryOf(iso);
    if (e) return e.kind === 'work';
    const wd = weekdayOf(iso);
    return wd !== 0 && wd !== 6;
  }

  /** The first working day strictly after iso. */
  nextWorkingDay(iso: IsoDate): IsoDate {
    let d = iso;
    for (let i = 0; i < MAX_DAYS_OFF; i++) {
      d = addDays(d, 1);
      if (this.isWorkingDay(d)) return d;
    }
    throw new RangeError(`Không tìm thấy ngày làm việc nào sau ${iso}: kiểm tra bảng ngày nghỉ.`);
  }

  /** iso itself when it is a working day, otherwise the next working day. */
  workingDayOnOrAfter(iso: IsoDate): IsoDate {
    return this.isWorkingDay(iso) ? iso : this.nextWorkingDay(iso);
  }

  /** The two sessions of a day as instants [start, end). */
  private sessions(iso: IsoDate): Array<[EpochMs, EpochMs]> {
    const d = dayStartOfIso(iso);
    const h = this.hours;
    return [
      [d + h.morningStart * MIN_MS, d + h.morningEnd * MIN_MS],
      [d + h.afternoonStart * MIN_MS, d + h.afternoonEnd * MIN_MS],
    ];
  }

  /**
   * The instant `hours` working hours after `start`. A start outside working time counts
   * from the next session start (before opening → morning start, lunch → afternoon start,
   * after closing or on a day off → next working day's morning start). A due time that
   * lands exactly at the end of a session stays there (8 h from 07:00 → 17:00 the same day).
   * 0 hours returns start unchanged.
   */
  addWorkingHours(start: EpochMs, hours: number): EpochMs {
    if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`Số giờ làm việc không hợp lệ: ${hours}`);
    let remaining = Math.round(hours * HOUR_MS);
    if (remaining === 0) return start;
    let iso = vnIsoDate(start);
    let t = start;
    if (!this.isWorkingDay(iso)) {
      iso = this.nextWorkingDay(iso);
      t = dayStartOfIso(iso);
    }
    for (;;) {
      for (const [s, e] of this.sessions(iso)) {
        if (t >= e) continue;
        const cur = Math.max(t, s);
        const avail = e - cur;
        if (remaining <= avail) return cur + remaining;
        remaining -= avail;
        t = e;
      }
      iso = this.nextWorkingDay(iso);
      t = dayStartOfIso(iso);
    }
  }

  /** Working hours between two instants (negative when b is before a). */
  workingHoursBetween(a: EpochMs, b: EpochMs): number {
    if (b < a) return -this.workingHoursBetween(b, a);
    let total = 0;
    const last = vnIsoDate(b);
    for (let iso = vnIsoDate(a); iso <= last; iso = addDays(iso, 1)) {
      if (!this.isWorkingDay(iso)) continue;
      for (const [s, e] of this.sessions(iso)) {
        const lo = Math.max(s, a);
        const hi = Math.min(e, b);
        if (hi > lo) total += hi - lo;
      }
    }
    return total / HOUR_MS;
  }

  /** The instant the afternoon session ends on a date (the return time of same-day procedures). */
  endOfDay(iso: IsoDate): EpochMs {
    return dayStartOfIso(iso) + this.hours.afternoonEnd * MIN_MS;
  }

  /** The instant the morning session starts on a date. */
  startOfDay(iso: IsoDate): EpochMs {
    return dayStartOfIso(iso) + this.hours.morningStart * MIN_MS;
  }
}

export interface Appointment {
  appointmentAt: EpochMs | null;
  processingHours: number | null;
  /** A short Vietnamese sentence for the clerk. */
  explanation: string;
}

const p2 = (n: number) => String(n).padStart(2, '0');
const hhmm = (minutes: number) => `${p2(Math.floor(minutes / 60))}:${p2(minutes % 60)}`;
/** 1.5 → '1,5' (Vietnamese decimal comma). */
const num = (n: number) => String(Math.round(n * 100) / 100).replace('.', ',');

/** The processing time as printed on forms, e.g. '3 ngày làm việc', 'Trong ngày'. */
export function describeProcessingTime(p: ProcessingTime): string {
  switch (p.kind) {
    case 'workingHours':
      return `${num(p.hours / HOURS_PER_WORKING_DAY)} ngày làm việc`;
    case 'sameDay':
      return `Trong ngày (nhận sau ${hhmm(p.cutoffMinutes)} trả trong ngày làm việc tiếp theo)`;
    case 'calendarDays':
      return `${p.days} ngày`;
    case 'none':
      return 'Không có ngày hẹn trả';
  }
}

/** Why the clock starts later than the receipt, or '' when it starts at receipt. */
function startNote(receivedAt: EpochMs, cal: WorkingCalendar): string {
  const h = cal.hours;
  const iso = vnIsoDate(receivedAt);
  const m = vnParts(receivedAt).minutes;
  if (!cal.isWorkingDay(iso)) return `Nhận vào ngày nghỉ: tính từ ${hhmm(h.morningStart)} ngày làm việc tiếp theo.`;
  if (m < h.morningStart) return `Nhận trước giờ làm việc: tính từ ${hhmm(h.morningStart)}.`;
  if (m >= h.morningEnd && m < h.afternoonStart) return `Nhận trong giờ nghỉ trưa: tính từ ${hhmm(h.afternoonStart)}.`;
  if (m >= h.afternoonEnd) return `Nhận sau ${hhmm(h.afternoonEnd)}: tính từ ${hhmm(h.morningStart)} ngày làm việc tiếp theo.`;
  return '';
}

/**
 * The appointment (ngày hẹn trả) of a dossier received at receivedAt (DOMAIN.md §7).
 * - workingHours: `hours` working hours from receipt (see WorkingCalendar.addWorkingHours).
 * - sameDay (hộ tịch, chứng thực: "nhận sau 15 giờ → trả trong ngày làm việc tiếp theo"):
 *   received on a working day before the cut-off → the afternoon end the same day;
 *   at/after the cut-off or on a day off → the afternoon end of the next working day.
 *   processingHours = SAME_DAY_PROCESSING_HOURS.
 * - calendarDays: N days counted from the day after receipt (BLDS 2015 Điều 147), due at
 *   the afternoon end; a last day on a day off moves to the next working day (Điều 148).
 *   processingHours = N × 8 so that ÷ 8 gives N; print the unit with describeProcessingTime.
 * - none: no appointment.
 */
export function computeAppointment(receivedAt: EpochMs, processing: ProcessingTime, cal: WorkingCalendar): Appointment {
  switch (processing.kind) {
    case 'workingHours': {
      const hours = processing.hours;
      const appointmentAt = cal.addWorkingHours(receivedAt, hours);
      const note = startNote(receivedAt, cal);
      const text = `Thời hạn ${num(hours / HOURS_PER_WORKING_DAY)} ngày làm việc (${num(hours)} giờ): hẹn trả ${formatDateTime(appointmentAt)}.`;
      return { appointmentAt, processingHours: hours, explanation: note ? `${note} ${text}` : text };
    }
    case 'sameDay': {
      const iso = vnIsoDate(receivedAt);
      const cutoff = processing.cutoffMinutes;
      const label = hhmm(cutoff);
      if (!cal.isWorkingDay(iso)) {
        return {
          appointmentAt: cal.endOfDay(cal.nextWorkingDay(iso)),
          processingHours: SAME_DAY_PROCESSING_HOURS,
          explanation: 'Nhận vào ngày nghỉ: trả trong ngày làm việc tiếp theo.',
        };
      }
      if (vnParts(receivedAt).minutes < cutoff) {
        return {
          appointmentAt: cal.endOfDay(iso),
          processingHours: SAME_DAY_PROCESSING_HOURS,
          explanation: `Nhận trước ${label}: trả trong ngày.`,
        };
      }
      return {
        appointmentAt: cal.endOfDay(cal.nextWorkingDay(iso)),
        processingHours: SAME_DAY_PROCESSING_HOURS,
        explanation: `Nhận sau ${label}: trả trong ngày làm việc tiếp theo.`,
      };
    }
    case 'calendarDays': {
      const n = processing.days;
      if (!Number.isInteger(n) || n < 0) throw new RangeError(`Số ngày không hợp lệ: ${n}`);
      const last = addDays(vnIsoDate(receivedAt), n);
      const due = cal.workingDayOnOrAfter(last);
      const moved = due !== last ? ' Ngày cuối rơi vào ngày nghỉ: chuyển sang ngày làm việc tiếp theo.' : '';
      const appointmentAt = cal.endOfDay(due);
      return {
        appointmentAt,
        processingHours: n * HOURS_PER_WORKING_DAY,
        explanation: `Thời hạn ${n} ngày (tính cả ngày nghỉ): hẹn trả ${formatDate(appointmentAt)}.${moved}`,
      };
    }
    case 'none':
      return { appointmentAt: null, processingHours: null, explanation: 'Thủ tục không có ngày hẹn trả.' };
  }
}

/**
 * The appointment after a supplement pause (yêu cầu bổ sung): the time already used
 * still counts, and the due date moves later by the working hours of the pause
 * (DOMAIN.md §1; TH GetNgayHenTraBoSung).
 */
export function addPauseToAppointment(appointmentAt: EpochMs, pauseStart: EpochMs, pauseEnd: EpochMs, cal: WorkingCalendar): EpochMs {
  const hours = cal.workingHoursBetween(pauseStart, pauseEnd);
  if (hours <= 0) return appointmentAt;
  return cal.addWorkingHours(appointmentAt, hours);
}

/**
 * The appointment once the supplement pauses of a status history are counted: every move
 * 5 → 4 shifts it by addPauseToAppointment from the latest move into 5 before it. A local
 * 5 → 4 (DossierService.transition) and one pulled from another counter or the province
 * (sync/apply.ts, over the whole derived history) both come here, so they give the same date.
 */
export function appointmentAfterPauses(appointmentAt: EpochMs | null, moves: readonly { from: number | null; to: number | null; at: EpochMs }[], cal: WorkingCalendar): EpochMs | null {
  let appointment = appointmentAt;
  let pauseStart: EpochMs | null = null;
  for (const m of moves) {
    if (m.to === 5) pauseStart = m.at;
    else if (m.from === 5 && m.to === 4 && appointment !== null && pauseStart !== null && pauseStart < m.at) {
      appointment = addPauseToAppointment(appointment, pauseStart, m.at, cal);
    }
  }
  return appointment;
}
