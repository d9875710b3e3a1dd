// The holiday table of a year: days computed from the versioned rules
// (shared/data/holidayRules.ts), then overridden by the unit's own entries
// (official notices, swaps, local decisions). DOMAIN.md §7.
import type { HolidayEntry, IsoDate } from '../types';
import { isoDateOf, parseIsoDate } from '../vnTime';
import { lunarToSolar, solarToLunar } from './lunar';
import { HOLIDAY_RULE_SETS, type CompensationRule, type HolidayRule, type HolidayRuleSet, type OfficialNotice } from '../../data/holidayRules';

const DAY_MS = 86_400_000;

function isoToUtc(iso: IsoDate): number {
  const p = parseIsoDate(iso);
  if (!p) throw new RangeError(`Ngày không hợp lệ: ${iso}`);
  return Date.UTC(p.year, p.month - 1, p.day);
}

function utcToIso(ms: number): IsoDate {
  const d = new Date(ms);
  return isoDateOf(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** 'yyyy-mm-dd' plus n days (n may be negative). */
export function addDays(iso: IsoDate, n: number): IsoDate {
  return utcToIso(isoToUtc(iso) + n * DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(iso: IsoDate): number {
  return new Date(isoToUtc(iso)).getUTCDay();
}

/** The rule set in force on a date: the latest effectiveFrom not after it, or null. */
export function ruleSetInForce(iso: IsoDate, ruleSets: readonly HolidayRuleSet[] = HOLIDAY_RULE_SETS): HolidayRuleSet | null {
  let best: HolidayRuleSet | null = null;
  for (const set of ruleSets) {
    if (set.effectiveFrom <= iso && (!best || set.effectiveFrom >= best.effectiveFrom)) best = set;
  }
  return best;
}

interface BaseHoliday {
  date: IsoDate;
  name: string;
  /** Name without the day detail, used for "Nghỉ bù …". */
  baseName: string;
}

const LUNAR_MONTH_NAMES = ['', 'Giêng', 'Hai', 'Ba', 'Tư', 'Năm', 'Sáu', 'Bảy', 'Tám', 'Chín', 'Mười', 'Một', 'Chạp'];

/** Candidate days of one rule whose solar date falls in `year` (compensation excluded). */
function daysOfRule(rule: HolidayRule, year: number): BaseHoliday[] {
  switch (rule.kind) {
    case 'solar':
      return [{ date: isoDateOf(year, rule.month, rule.day), name: rule.name, baseName: rule.name }];
    case 'solarAdjacent': {
      const main = isoDateOf(year, rule.month, rule.day);
      let side: 1 | -1;
      if (rule.choose === 'before') side = -1;
      else if (rule.choose === 'after') side = 1;
      else {
        // Join the weekend: Tue, Fri, Sat take the day before; Sun, Mon, Wed, Thu the day after.
        const wd = weekdayOf(main);
        side = wd === 2 || wd === 5 || wd === 6 ? -1 : 1;
      }
      return [{ date: addDays(main, side), name: rule.name, baseName: rule.name.replace(/\s*\(.*\)$/, '') }];
    }
    case 'lunar': {
      const out: BaseHoliday[] = [];
      // A lunar day of lunar year y-1 or y can fall in solar year y.
      for (const ly of [year - 1, year]) {
        const s = lunarToSolar(rule.lunarDay, rule.lunarMonth, ly);
        if (s.year === year) out.push({ date: isoDateOf(s.year, s.month, s.day), name: rule.name, baseName: rule.name });
      }
      return out;
    }
    case 'lunarNewYear': {
      // Mùng 1 tháng Giêng always falls between 21/1 and 20/2, so the whole break is in `year`.
      const t = lunarToSolar(1, 1, year);
      const newYear = isoDateOf(t.year, t.month, t.day);
      const out: BaseHoliday[] = [];
      // The last lunar month has 29 or 30 days: name the days before mùng 1 by their lunar day.
      for (let i = rule.daysBefore; i >= 1; i--) {
        const date = addDays(newYear, -i);
        const p = parseIsoDate(date)!;
        const l = solarToLunar(p.day, p.month, p.year);
        out.push({ date, name: `${rule.name} (${l.day} tháng ${LUNAR_MONTH_NAMES[l.month]})`, baseName: rule.name });
      }
      for (let i = 0; i < rule.daysFrom; i++) {
        out.push({ date: addDays(newYear, i), name: `${rule.name} (mùng ${i + 1})`, baseName: rule.name });
      }
      return out;
    }
    case 'compensation':
      return [];
  }
}

/**
 * The holidays of a solar year computed from the rules: each date is taken from the
 * rule set in force on that date. A compensation day (nghỉ bù) can fall early in the
 * next year; it is listed here with its own date.
 */
export function ruleHolidays(year: number, ruleSets: readonly HolidayRuleSet[] = HOLIDAY_RULE_SETS): HolidayEntry[] {
  const byDate = new Map<IsoDate, BaseHoliday>();
  for (const set of ruleSets) {
    for (const rule of set.rules) {
      for (const h of daysOfRule(rule, year)) {
        if (ruleSetInForce(h.date, ruleSets) !== set) continue;
        if (!byDate.has(h.date)) byDate.set(h.date, h);
      }
    }
  }
  const base = [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));

  // Nghỉ bù (BLLĐ 45/2019 Điều 112 khoản 3): a holiday on a weekly rest day gives the
  // next working day off, i.e. the next day that is neither a rest day nor a holiday
  // nor a compensation day already given.
  const taken = new Set(base.map((h) => h.date));
  const comp: HolidayEntry[] = [];
  for (const h of base) {
    const set = ruleSetInForce(h.date, ruleSets);
    const rule = set?.rules.find((r): r is CompensationRule => r.kind === 'compensation');
    if (!rule || !rule.weekdays.includes(weekdayOf(h.date))) continue;
    let d = addDays(h.date, 1);
    while (rule.weekdays.includes(weekdayOf(d)) || taken.has(d)) d = addDays(d, 1);
    taken.add(d);
    comp.push({ date: d, name: `Nghỉ bù ${h.baseName}`, kind: 'off', origin: 'rule' });
  }

  const entries: HolidayEntry[] = base.map((h) => ({ date: h.date, name: h.name, kind: 'off', origin: 'rule' }));
  return sortByDate([...entries, ...comp]);
}

/**
 * The table in force: the unit's entries override the rule entries of the same date
 * ('work' makes a date a working day, e.g. an official swap; 'off' adds a day off).
 * For several unit entries of one date, the last one wins.
 */
export function mergeHolidayTable(ruleEntries: readonly HolidayEntry[], unitEntries: readonly HolidayEntry[]): HolidayEntry[] {
  const byDate = new Map<IsoDate, HolidayEntry>();
  for (const e of ruleEntries) if (!byDate.has(e.date)) byDate.set(e.date, e);
  for (const e of unitEntries) byDate.set(e.date, e);
  return sortByDate([...byDate.values()]);
}

/** The days of an official notice as unit entries, ready to be confirmed into the unit's table. */
export function noticeEntries(notice: OfficialNotice): HolidayEntry[] {
  return notice.days.map((d) => ({ date: d.date, name: d.name, kind: d.kind, origin: 'unit' }));
}

function sortByDate(list: HolidayEntry[]): HolidayEntry[] {
  return list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
