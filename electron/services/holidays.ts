// The holiday table: days off computed from the rules (Labour Code art. 112, lunar dates)
// merged with the unit's own entries (official swaps, notices of the year), DOMAIN.md §7.
// Only the unit's entries are stored; the rule entries are recomputed for each year.
import type { HolidayEntry, IsoDate, WorkingHours } from '../../shared/domain/types';
import { ruleHolidays, mergeHolidayTable } from '../../shared/domain/calendar/holidays';
import { HOLIDAY_RULE_SETS } from '../../shared/data/holidayRules';
import { WorkingCalendar } from '../../shared/domain/calendar/workingCalendar';
import type { Db } from './db/database';
import { AppError } from './errors';

/** The rule sets that count by themselves; a doubtful set's days wait for the unit's confirmation. */
const CERTAIN_RULE_SETS = HOLIDAY_RULE_SETS.filter((s) => !s.unverified);

interface HolidayRow {
  date: string;
  name: string;
  kind: 'off' | 'work';
}

export class HolidayStore {
  private readonly byYear = new Map<number, HolidayEntry[]>();
  private calendarCache: { hours: WorkingHours; cal: WorkingCalendar } | null = null;
  private readonly unitStmt;
  private readonly upsertStmt;
  private readonly deleteStmt;
  private readonly oneStmt;

  constructor(private readonly db: Db) {
    this.unitStmt = db.prepare('SELECT date, name, kind FROM holidays WHERE date >= ? AND date <= ? ORDER BY date');
    this.upsertStmt = db.prepare('INSERT INTO holidays (date, name, kind) VALUES (?, ?, ?) ON CONFLICT (date) DO UPDATE SET name = excluded.name, kind = excluded.kind');
    this.deleteStmt = db.prepare('DELETE FROM holidays WHERE date = ?');
    this.oneStmt = db.prepare('SELECT date FROM holidays WHERE date = ?').pluck();
  }

  unitEntries(year: number): HolidayEntry[] {
    const rows = this.unitStmt.all(`${year}-01-01`, `${year}-12-31`) as HolidayRow[];
    return rows.map((r) => ({ date: r.date, name: r.name, kind: r.kind, origin: 'unit' as const }));
  }

  /**
   * The days that count: certain rule holidays of the year merged with the unit's entries
   * (the unit's entry wins on its date; confirming a proposed day is entering it).
   */
  counted(year: number): HolidayEntry[] {
    let merged = this.byYear.get(year);
    if (!merged) {
      merged = mergeHolidayTable(ruleHolidays(year, CERTAIN_RULE_SETS), this.unitEntries(year));
      this.byYear.set(year, merged);
    }
    return merged;
  }

  /** The table the clerk sees: the counted days and, apart, the proposed days still to confirm. */
  list(year: number): HolidayEntry[] {
    const counted = this.counted(year);
    const taken = new Set(counted.map((e) => e.date));
    const proposed = ruleHolidays(year)
      .filter((e) => !taken.has(e.date))
      .map((e) => ({ ...e, origin: 'proposed' as const }));
    return proposed.length ? mergeHolidayTable(counted, proposed) : counted;
  }

  save(entry: { date: IsoDate; name: string; kind: 'off' | 'work' }): HolidayEntry[] {
    this.upsertStmt.run(entry.date, entry.name, entry.kind);
    this.invalidate();
    return this.list(Number(entry.date.slice(0, 4)));
  }

  delete(date: IsoDate): HolidayEntry[] {
    if (this.oneStmt.get(date) === undefined) {
      throw new AppError(
        'not_found',
        'Ngày này không phải ngày do đơn vị nhập nên không xoá được. Ngày nghỉ theo quy định chỉ thay đổi được bằng cách nhập một ngày làm bù (ngày làm việc) cho ngày đó.',
      );
    }
    this.deleteStmt.run(date);
    this.invalidate();
    return this.list(Number(date.slice(0, 4)));
  }

  /** The working calendar for the unit's hours and this holiday table (cached until either changes). */
  calendar(hours: WorkingHours): WorkingCalendar {
    const c = this.calendarCache;
    if (
      c &&
      c.hours.morningStart === hours.morningStart &&
      c.hours.morningEnd === hours.morningEnd &&
      c.hours.afternoonStart === hours.afternoonStart &&
      c.hours.afternoonEnd === hours.afternoonEnd
    ) {
      return c.cal;
    }
    const cal = new WorkingCalendar({ ...hours }, (year) => this.counted(year));
    this.calendarCache = { hours: { ...hours }, cal };
    return cal;
  }

  private invalidate(): void {
    this.byYear.clear();
    this.calendarCache = null;
  }
}
