// Dates as people type them at the counter: 12/03/1995, 12-03-1995, 12.03.1995, 12031995,
// 12/03/95, 1/3/1995. One reading for every date field of the app, so that whatever was
// typed is shown back as dd/mm/yyyy and sent as yyyy-mm-dd.
import type { EpochMs, IsoDate } from './types';
import { isoDateOf, isoToDisplay, parseIsoDate, vnParts } from './vnTime';

/**
 * How a two-digit year gets its century: 'past' for a birth date (the latest year not after
 * this one: 95 → 1995, 08 → 2008), 'near' for an appointment, a filter or a holiday (the
 * year closest to this one).
 */
export type Century = 'past' | 'near';

/** The typed text as yyyy-mm-dd, or null when it is no real date in any accepted spelling. */
export function typedDateToIso(typed: string, now: EpochMs, century: Century = 'near'): IsoDate | null {
  const s = typed.normalize('NFC').trim();
  let d: string, m: string, y: string;
  const sep = /^(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{2}|\d{4})$/.exec(s);
  if (sep) [d, m, y] = [sep[1] ?? '', sep[2] ?? '', sep[3] ?? ''];
  else if (/^\d{8}$/.test(s)) [d, m, y] = [s.slice(0, 2), s.slice(2, 4), s.slice(4)];
  else if (/^\d{6}$/.test(s)) [d, m, y] = [s.slice(0, 2), s.slice(2, 4), s.slice(4)];
  else return null;
  let year = Number(y);
  if (y.length === 2) {
    const thisYear = vnParts(now).year;
    if (century === 'past') {
      year += Math.floor(thisYear / 100) * 100;
      if (year > thisYear) year -= 100;
    } else {
      const base = Math.floor(thisYear / 100) * 100 + year;
      year = [base - 100, base, base + 100].reduce((a, b) => (Math.abs(b - thisYear) < Math.abs(a - thisYear) ? b : a));
    }
  }
  const iso = isoDateOf(year, Number(m), Number(d));
  return parseIsoDate(iso) ? iso : null;
}

/** The typed text shown back as dd/mm/yyyy when it is a date; otherwise unchanged (so the clerk sees what to fix). */
export function normalizeTypedDate(typed: string, now: EpochMs, century: Century = 'near'): string {
  const iso = typedDateToIso(typed, now, century);
  return iso ? isoToDisplay(iso) : typed;
}
