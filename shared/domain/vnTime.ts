// Vietnam wall-clock time. Vietnam has kept UTC+7 without daylight saving since 1975,
// so a fixed offset is exact for every date the app handles, whatever the PC's time zone.
import type { EpochMs, IsoDate } from './types';

export const VN_OFFSET_MS = 7 * 3600_000;
const DAY_MS = 86_400_000;

export interface VnParts {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Minutes since midnight. */
  minutes: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

export function vnParts(ms: EpochMs): VnParts {
  const d = new Date(ms + VN_OFFSET_MS);
  const hour = d.getUTCHours();
  const minute = d.getUTCMinutes();
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour,
    minute,
    second: d.getUTCSeconds(),
    minutes: hour * 60 + minute,
    weekday: d.getUTCDay(),
  };
}

/** The instant of a Vietnam wall-clock time. */
export function vnTime(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): EpochMs {
  return Date.UTC(year, month - 1, day, hour, minute, second) - VN_OFFSET_MS;
}

/** Start of the Vietnam calendar day containing ms. */
export function vnStartOfDay(ms: EpochMs): EpochMs {
  return Math.floor((ms + VN_OFFSET_MS) / DAY_MS) * DAY_MS - VN_OFFSET_MS;
}

const p2 = (n: number) => String(n).padStart(2, '0');

/** 'yyyy-mm-dd' of the Vietnam calendar day containing ms. */
export function vnIsoDate(ms: EpochMs): IsoDate {
  const p = vnParts(ms);
  return `${p.year}-${p2(p.month)}-${p2(p.day)}`;
}

export function isoDateOf(year: number, month: number, day: number): IsoDate {
  return `${year}-${p2(month)}-${p2(day)}`;
}

export function parseIsoDate(s: IsoDate): { year: number; month: number; day: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const year = Number(m[1]),
    month = Number(m[2]),
    day = Number(m[3]);
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return { year, month, day };
}

/** 'dd/mm/yyyy', the date format of the UI and the forms. */
export function formatDate(ms: EpochMs): string {
  const p = vnParts(ms);
  return `${p2(p.day)}/${p2(p.month)}/${p.year}`;
}

/** 'HH:mm dd/mm/yyyy'. */
export function formatDateTime(ms: EpochMs): string {
  const p = vnParts(ms);
  return `${p2(p.hour)}:${p2(p.minute)} ${formatDate(ms)}`;
}

/** 'yyyy-mm-dd' → 'dd/mm/yyyy'. */
export function isoToDisplay(s: IsoDate): string {
  const p = parseIsoDate(s);
  return p ? `${p2(p.day)}/${p2(p.month)}/${p.year}` : s;
}

/** 'dd/mm/yyyy' → 'yyyy-mm-dd', or null when it is not a real date. */
export function displayToIso(s: string): IsoDate | null {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(s);
  if (!m) return null;
  const iso = isoDateOf(Number(m[3]), Number(m[2]), Number(m[1]));
  return parseIsoDate(iso) ? iso : null;
}

/** 'yyyyMMddHHmmss' in Vietnam time, the national portal's date format (DOMAIN.md §4). */
export function formatPortal(ms: EpochMs): string {
  const p = vnParts(ms);
  return `${p.year}${p2(p.month)}${p2(p.day)}${p2(p.hour)}${p2(p.minute)}${p2(p.second)}`;
}
