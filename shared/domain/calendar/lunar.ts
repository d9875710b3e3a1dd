// Vietnamese lunar calendar (âm lịch), Hồ Ngọc Đức's astronomical algorithm
// ("Thuật toán tính âm lịch", https://www.informatik.uni-leipzig.de/~duc/amlich/),
// computed for Vietnam's meridian, UTC+7. The Chinese calendar uses UTC+8 and can
// differ by a day or a month (e.g. Tết 2007: 17/02 in Vietnam, 18/02 in China).
// Valid for solar years 1900–2199 (the new-moon series is accurate there).
// Pure functions: no Node, no DOM.

export interface LunarDate {
  day: number;
  month: number;
  year: number;
  /** True for the intercalary (nhuận) month. */
  leap: boolean;
}

export interface SolarDate {
  day: number;
  month: number;
  year: number;
}

const TIME_ZONE = 7;
const PI = Math.PI;
const INT = Math.floor;
/** Julian day of 1900-01-01 12:00 UT minus 0.5, the epoch of the new-moon series. */
const EPOCH = 2415021.076998695;
const SYNODIC_MONTH = 29.530588853;

export const MIN_YEAR = 1900;
export const MAX_YEAR = 2199;

/** Julian day number of a Gregorian (or, before 1582-10-15, Julian) date. */
export function jdFromDate(dd: number, mm: number, yy: number): number {
  const a = INT((14 - mm) / 12);
  const y = yy + 4800 - a;
  const m = mm + 12 * a - 3;
  let jd = dd + INT((153 * m + 2) / 5) + 365 * y + INT(y / 4) - INT(y / 100) + INT(y / 400) - 32045;
  if (jd < 2299161) jd = dd + INT((153 * m + 2) / 5) + 365 * y + INT(y / 4) - 32083;
  return jd;
}

export function jdToDate(jd: number): SolarDate {
  let b: number;
  let c: number;
  if (jd > 2299160) {
    const a = jd + 32044;
    b = INT((4 * a + 3) / 146097);
    c = a - INT((b * 146097) / 4);
  } else {
    b = 0;
    c = jd + 32082;
  }
  const d = INT((4 * c + 3) / 1461);
  const e = c - INT((1461 * d) / 4);
  const m = INT((5 * e + 2) / 153);
  return {
    day: e - INT((153 * m + 2) / 5) + 1,
    month: m + 3 - 12 * INT(m / 10),
    year: b * 100 + d - 4800 + INT(m / 10),
  };
}

/** Julian day (with fraction, UT) of the k-th new moon after 1900-01-01. */
function newMoon(k: number): number {
  const T = k / 1236.85;
  const T2 = T * T;
  const T3 = T2 * T;
  const dr = PI / 180;
  let jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * T2 - 0.000000155 * T3;
  jd1 += 0.00033 * Math.sin((166.56 + 132.87 * T - 0.009173 * T2) * dr);
  const M = 359.2242 + 29.10535608 * k - 0.0000333 * T2 - 0.00000347 * T3; // sun's mean anomaly
  const Mpr = 306.0253 + 385.81691806 * k + 0.0107306 * T2 + 0.00001236 * T3; // moon's mean anomaly
  const F = 21.2964 + 390.67050646 * k - 0.0016528 * T2 - 0.00000239 * T3; // moon's argument of latitude
  let c1 = (0.1734 - 0.000393 * T) * Math.sin(M * dr) + 0.0021 * Math.sin(2 * dr * M);
  c1 = c1 - 0.4068 * Math.sin(Mpr * dr) + 0.0161 * Math.sin(dr * 2 * Mpr);
  c1 = c1 - 0.0004 * Math.sin(dr * 3 * Mpr);
  c1 = c1 + 0.0104 * Math.sin(dr * 2 * F) - 0.0051 * Math.sin(dr * (M + Mpr));
  c1 = c1 - 0.0074 * Math.sin(dr * (M - Mpr)) + 0.0004 * Math.sin(dr * (2 * F + M));
  c1 = c1 - 0.0004 * Math.sin(dr * (2 * F - M)) - 0.0006 * Math.sin(dr * (2 * F + Mpr));
  c1 = c1 + 0.001 * Math.sin(dr * (2 * F - Mpr)) + 0.0005 * Math.sin(dr * (2 * Mpr + M));
  const deltat = T < -11 ? 0.001 + 0.000839 * T + 0.0002261 * T2 - 0.00000845 * T3 - 0.000000081 * T * T3 : -0.000278 + 0.000265 * T + 0.000262 * T2;
  return jd1 + c1 - deltat;
}

/** Sun's true longitude in radians, normalised to [0, 2π), at Julian day jdn (UT). */
function sunLongitude(jdn: number): number {
  const T = (jdn - 2451545.0) / 36525;
  const T2 = T * T;
  const dr = PI / 180;
  const M = 357.5291 + 35999.0503 * T - 0.0001559 * T2 - 0.00000048 * T * T2;
  const L0 = 280.46645 + 36000.76983 * T + 0.0003032 * T2;
  let DL = (1.9146 - 0.004817 * T - 0.000014 * T2) * Math.sin(dr * M);
  DL = DL + (0.019993 - 0.000101 * T) * Math.sin(dr * 2 * M) + 0.00029 * Math.sin(dr * 3 * M);
  let L = (L0 + DL) * dr;
  L = L - PI * 2 * INT(L / (PI * 2));
  return L;
}

/** Index 0–11 of the 30° sector (major solar term) the sun is in at local midnight starting day dayNumber. */
function sunSector(dayNumber: number): number {
  return INT((sunLongitude(dayNumber - 0.5 - TIME_ZONE / 24) / PI) * 6);
}

/** Julian day number (local) of the day containing the k-th new moon. */
function newMoonDay(k: number): number {
  return INT(newMoon(k) + 0.5 + TIME_ZONE / 24);
}

/** Julian day of the first day of lunar month 11 (the month containing the winter solstice) of year yy. */
function lunarMonth11(yy: number): number {
  const off = jdFromDate(31, 12, yy) - 2415021;
  const k = INT(off / SYNODIC_MONTH);
  let nm = newMoonDay(k);
  if (sunSector(nm) >= 9) nm = newMoonDay(k - 1);
  return nm;
}

/** Offset (in months after month 11) of the leap month in the lunar year starting at a11. */
function leapMonthOffset(a11: number): number {
  const k = INT((a11 - EPOCH) / SYNODIC_MONTH + 0.5);
  let i = 1;
  let arc = sunSector(newMoonDay(k + i));
  let last: number;
  do {
    last = arc;
    i++;
    arc = sunSector(newMoonDay(k + i));
  } while (arc !== last && i < 14);
  return i - 1;
}

function checkYear(year: number, what: string): void {
  if (!Number.isInteger(year) || year < MIN_YEAR - 1 || year > MAX_YEAR) {
    throw new RangeError(`${what} ${year} nằm ngoài khoảng ${MIN_YEAR}–${MAX_YEAR} của lịch âm.`);
  }
}

/** The Vietnamese lunar date of a solar (Gregorian) date. */
export function solarToLunar(day: number, month: number, year: number): LunarDate {
  checkYear(year, 'Năm dương lịch');
  const dayNumber = jdFromDate(day, month, year);
  const k = INT((dayNumber - EPOCH) / SYNODIC_MONTH);
  let monthStart = newMoonDay(k + 1);
  if (monthStart > dayNumber) monthStart = newMoonDay(k);
  let a11 = lunarMonth11(year);
  let b11 = a11;
  let lunarYear: number;
  if (a11 >= monthStart) {
    lunarYear = year;
    a11 = lunarMonth11(year - 1);
  } else {
    lunarYear = year + 1;
    b11 = lunarMonth11(year + 1);
  }
  const lunarDay = dayNumber - monthStart + 1;
  const diff = INT((monthStart - a11) / 29);
  let leap = false;
  let lunarMonth = diff + 11;
  if (b11 - a11 > 365) {
    const leapDiff = leapMonthOffset(a11);
    if (diff >= leapDiff) {
      lunarMonth = diff + 10;
      if (diff === leapDiff) leap = true;
    }
  }
  if (lunarMonth > 12) lunarMonth -= 12;
  if (lunarMonth >= 11 && diff < 4) lunarYear -= 1;
  return { day: lunarDay, month: lunarMonth, year: lunarYear, leap };
}

/** Julian day of the first day of a lunar month; throws RangeError for a leap month that does not exist. */
function lunarMonthStart(lunarMonth: number, lunarYear: number, leap: boolean): number {
  let a11: number;
  let b11: number;
  if (lunarMonth < 11) {
    a11 = lunarMonth11(lunarYear - 1);
    b11 = lunarMonth11(lunarYear);
  } else {
    a11 = lunarMonth11(lunarYear);
    b11 = lunarMonth11(lunarYear + 1);
  }
  const k = INT(0.5 + (a11 - EPOCH) / SYNODIC_MONTH);
  let off = lunarMonth - 11;
  if (off < 0) off += 12;
  if (b11 - a11 > 365) {
    const leapOff = leapMonthOffset(a11);
    // The month at offset i after month 11 is numbered 10 + i (mod 12); a leap month repeats the previous number.
    const leapMonth = ((leapOff + 9) % 12) + 1;
    if (leap && lunarMonth !== leapMonth) {
      throw new RangeError(`Năm âm lịch ${lunarYear} không có tháng ${lunarMonth} nhuận (tháng nhuận là tháng ${leapMonth}).`);
    }
    if (leap || off >= leapOff) off += 1;
  } else if (leap) {
    throw new RangeError(`Năm âm lịch ${lunarYear} không có tháng nhuận.`);
  }
  return newMoonDay(k + off);
}

/** The solar (Gregorian) date of a Vietnamese lunar date. Throws RangeError for a date that does not exist. */
export function lunarToSolar(lunarDay: number, lunarMonth: number, lunarYear: number, leap = false): SolarDate {
  checkYear(lunarYear, 'Năm âm lịch');
  if (!Number.isInteger(lunarMonth) || lunarMonth < 1 || lunarMonth > 12) {
    throw new RangeError(`Tháng âm lịch không hợp lệ: ${lunarMonth}.`);
  }
  if (!Number.isInteger(lunarDay) || lunarDay < 1 || lunarDay > 30) {
    throw new RangeError(`Ngày âm lịch không hợp lệ: ${lunarDay}.`);
  }
  const start = lunarMonthStart(lunarMonth, lunarYear, leap);
  const jd = start + lunarDay - 1;
  if (lunarDay === 30) {
    // Lunar months have 29 or 30 days: day 30 exists only if the next new moon is later.
    const check = solarOfJd(jd);
    const back = solarToLunar(check.day, check.month, check.year);
    if (back.day !== 30) {
      throw new RangeError(`Tháng ${lunarMonth}${leap ? ' nhuận' : ''} năm âm lịch ${lunarYear} chỉ có 29 ngày.`);
    }
    return check;
  }
  return solarOfJd(jd);
}

function solarOfJd(jd: number): SolarDate {
  return jdToDate(jd);
}
